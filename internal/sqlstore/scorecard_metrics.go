package sqlstore

import (
	"time"

	"github.com/wubu-oss/wubu"
)

// The metrics of the six-step scorecard that the registry lacked, added to
// it (rollup_metrics.go): the periodic job and `wubu rollups rebuild` keep
// them like the others.
func init() {
	baseMetrics = append(baseMetrics, scorecardMetrics...)
}

// assessmentScores is the metric of a post's assessment scores (S1, C1,
// M1, K2): each assessment attempt submitted by its staff, scored 0–100.
func assessmentScores(post wubu.Post) rollupMetric {
	return rollupMetric{
		Metric: wubu.Metric{Name: "training.assessment." + string(post), Kind: wubu.MetricScore, Unit: "point", Object: "assessment"},
		items: `SELECT q.submitted_at, 0, q.user_id, q.score, 0 FROM training_quizzes q JOIN users u ON u.id = q.user_id
			WHERE q.project_id = ? AND q.submitted_at >= ? AND q.submitted_at < ? AND q.kind = 'assessment' AND u.post = ?`,
		args: func(time.Time) []any { return []any{string(post)} },
	}
}

// timelineCount is the metric of a kind of timeline entry (a contact
// recorded on the customer card).
func timelineCount(name, kind string) rollupMetric {
	return rollupMetric{
		Metric: wubu.Metric{Name: name, Kind: wubu.MetricCount, Unit: "item", Object: "person"},
		items: `SELECT at, 0, COALESCE(user_id, 0), 1, 0 FROM timeline
			WHERE project_id = ? AND at >= ? AND at < ? AND kind = ?`,
		args: func(time.Time) []any { return []any{kind} },
	}
}

var scorecardMetrics = []rollupMetric{
	assessmentScores(wubu.PostSecurity), assessmentScores(wubu.PostCleaning), assessmentScores(wubu.PostMaintenance), assessmentScores(wubu.PostService),
	timelineCount("security.alarm_reminder", "alarm.reminder"),
	timelineCount("security.advice", "security.advice"),
	{
		Metric: wubu.Metric{Name: "security.campaign", Kind: wubu.MetricCount, Unit: "item", Object: "safety_campaign"},
		items:  `SELECT created_at, 0, COALESCE(created_by, 0), 1, 0 FROM safety_campaigns WHERE project_id = ? AND created_at >= ? AND created_at < ?`,
	},
	{
		Metric: wubu.Metric{Name: "cleaning.need", Kind: wubu.MetricCount, Unit: "item", Object: "person_need"},
		items:  `SELECT created_at, 0, COALESCE(user_id, 0), 1, 0 FROM person_needs WHERE project_id = ? AND created_at >= ? AND created_at < ?`,
	},
	{
		Metric: wubu.Metric{Name: "cleaning.pest_notice", Kind: wubu.MetricCount, Unit: "item", Object: "bulletin"},
		items: `SELECT posted_at, COALESCE(building_id, 0), COALESCE(posted_by, 0), 1, 0 FROM bulletins
			WHERE project_id = ? AND posted_at >= ? AND posted_at < ? AND kind = 'pest_control'`,
	},
	{
		// Bookings due in the period: done, or still booked past their slot
		// (open); cancelled ones left out.
		Metric: wubu.Metric{Name: "housekeeping.done", Kind: wubu.MetricRatio, Unit: "item", Object: "booking"},
		items: `SELECT slot_start, 0, COALESCE(cleaner_id, 0), CASE WHEN status = 'done' THEN 1 ELSE 0 END, CASE WHEN status = 'booked' THEN 1 ELSE 0 END
			FROM hk_bookings WHERE project_id = ? AND slot_start >= ? AND slot_start < ? AND status <> 'cancelled' AND slot_start < ?`,
		args: func(now time.Time) []any { return []any{now.UTC()} },
	},
	{
		Metric: wubu.Metric{Name: "housekeeping.promoted", Kind: wubu.MetricCount, Unit: "item", Object: "booking"},
		items: `SELECT slot_start, 0, COALESCE(cleaner_id, 0), 1, 0 FROM hk_bookings
			WHERE project_id = ? AND slot_start >= ? AND slot_start < ? AND status = 'done' AND promotion_id IS NOT NULL`,
	},
	{
		// Free home inspections (M3): the visits planned, those done.
		Metric: wubu.Metric{Name: "inspection.visit", Kind: wubu.MetricRatio, Unit: "item", Object: "inspection_visit"},
		items: `SELECT created_at, building_id, COALESCE(assignee_id, 0), CASE WHEN status = 'done' THEN 1 ELSE 0 END, CASE WHEN status = 'pending' THEN 1 ELSE 0 END
			FROM inspection_visits WHERE project_id = ? AND created_at >= ? AND created_at < ?`,
	},
	{
		// Prices up front (M5): of the orders whose work started, those
		// whose price the resident confirmed before.
		Metric: wubu.Metric{Name: "order.priced", Kind: wubu.MetricRatio, Unit: "item", Object: "order"},
		items: `SELECT o.started_at, COALESCE(r.building_id, 0), COALESCE(o.assignee_id, 0),
			CASE WHEN o.confirmed_at IS NOT NULL AND o.confirmed_at <= o.started_at THEN 1 ELSE 0 END, 0
			FROM orders o LEFT JOIN rooms r ON r.project_id = o.project_id AND r.id = o.room_id
			WHERE o.project_id = ? AND o.started_at >= ? AND o.started_at < ?`,
		touch: "order", dayOf: `SELECT started_at FROM orders WHERE project_id = ? AND id = ? AND started_at IS NOT NULL`,
	},
	{
		// The front desk's fast lane (K4): how long a resident waited.
		Metric: wubu.Metric{Name: "desk.wait", Kind: wubu.MetricDuration, Unit: "second", Object: "desk_ticket"},
		items: `SELECT taken_at, 0, COALESCE(served_by, 0), taken_at, serve_start FROM desk_tickets
			WHERE project_id = ? AND taken_at >= ? AND taken_at < ? AND serve_start IS NOT NULL`,
	},
	{
		// Residents who took part: sign-ups that came to an event.
		Metric: wubu.Metric{Name: "event.attended", Kind: wubu.MetricCount, Unit: "item", Object: "signup"},
		items: `SELECT attended_at, 0, 0, 1, 0 FROM event_signups
			WHERE project_id = ? AND attended_at >= ? AND attended_at < ?`,
	},
}
