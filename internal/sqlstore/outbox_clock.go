package sqlstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
)

// Clock stages alert people through the outbox: a fired warning notifies
// the deadline's WarnNotify, a breach its BreachNotify, an escalation step
// its Notify, each an urgent inbox message (quiet hours do not apply) of
// kind clock_warning, clock_breach or clock_escalation, written in the
// stage's own transaction, so a stage that fires once alerts once. The
// dedup key names the deadline, generation, stage and recipient.

// planNotify validates and copies an arm request's recipients.
func planNotify(d *wubu.Deadline, req *wubu.ArmRequest) error {
	for _, l := range []struct {
		field string
		in    []string
		out   *[]string
	}{{"warn_notify", req.WarnNotify, &d.WarnNotify}, {"breach_notify", req.BreachNotify, &d.BreachNotify}} {
		if len(l.in) > 20 {
			return wubu.FieldErrorf(l.field, wubu.EINVALID, "A stage alerts at most %d recipients.", 20)
		}
		*l.out = nil
		for _, n := range l.in {
			n = strings.TrimSpace(n)
			if !wubu.ValidNotify(n) {
				return wubu.FieldErrorf(l.field, wubu.EINVALID, "Cannot notify %q: use user:ID or role:ROLE.", n)
			}
			*l.out = append(*l.out, n)
		}
	}
	return nil
}

func notifyJSON(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(list)
	return string(b)
}

func unmarshalNotify(d *wubu.Deadline, warn, breach string) error {
	for _, l := range []struct {
		src string
		dst *[]string
	}{{warn, &d.WarnNotify}, {breach, &d.BreachNotify}} {
		if l.src == "" || l.src == "[]" {
			continue
		}
		if err := json.Unmarshal([]byte(l.src), l.dst); err != nil {
			return fmt.Errorf("deadline %d recipients: %w", d.ID, err)
		}
	}
	return nil
}

// recipientOf turns "user:17", "role:duty_manager" or
// "role:team_leader:maintenance" into a recipient.
func recipientOf(s string) (wubu.Recipient, bool) {
	if v, ok := strings.CutPrefix(s, "user:"); ok {
		id, err := strconv.ParseInt(v, 10, 64)
		return wubu.Recipient{UserID: id}, err == nil && id > 0
	}
	if v, ok := strings.CutPrefix(s, "role:"); ok {
		role, post, _ := strings.Cut(v, ":")
		return wubu.Recipient{Role: wubu.Role(role), Post: wubu.Post(post)}, wubu.ValidNotify(s)
	}
	return wubu.Recipient{}, false
}

// stageNotifications returns the messages of fired stages.
func stageNotifications(fired []firedStage) []wubu.Notification {
	var out []wubu.Notification
	for _, f := range fired {
		d, ev := f.d, f.ev
		var kind string
		var to []string
		switch {
		case ev.Stage == wubu.StageWarning:
			kind, to = "clock_warning", d.WarnNotify
		case ev.Stage == wubu.StageBreach:
			kind, to = "clock_breach", d.BreachNotify
		case ev.Notify != "":
			kind, to = "clock_escalation", []string{ev.Notify}
		}
		if len(to) == 0 {
			continue
		}
		vars := map[string]string{
			"object_label":  d.ObjectType + " " + d.ObjectID,
			"object_type":   d.ObjectType,
			"object_id":     d.ObjectID,
			"promise":       d.Kind,
			"due":           d.DueAt.In(china).Format("2006-01-02 15:04"),
			"remaining_min": strconv.Itoa(max(int(d.DueAt.Sub(ev.FiredAt).Minutes()+0.5), 0)),
			"level":         strconv.Itoa(wubu.EscalationLevel(ev.Stage)),
			"deadline_id":   strconv.FormatInt(d.ID, 10),
		}
		for _, who := range to {
			r, ok := recipientOf(who)
			if !ok {
				continue
			}
			out = append(out, wubu.Notification{
				ProjectID: d.ProjectID, Kind: kind, To: r, Vars: vars, Urgent: true,
				DedupKey:   fmt.Sprintf("clock:%d:%d:%s:%s", d.ID, ev.Generation, ev.Stage, who),
				ObjectType: d.ObjectType, ObjectID: d.ObjectID,
			})
		}
	}
	return out
}
