package sqlstore

import (
	"context"
	"fmt"
	"strings"
)

// activitySchema lists the tables of generated activity (the seed's
// --activity: a year of orders, complaints, revisits, passes, patrols,
// hazards and their clocks), parents first.
var activitySchema = []bulkTableSchema{
	{"patrol_routes", "id, project_id, name, kind, interval_minutes, every_days, leader_id, active, created_at, updated_at"},
	{"patrol_runs", "id, project_id, route_id, guard_id, started_at, finished_at, missed, late"},
	{"orders", "id, project_id, category, urgency, source, state, item_name, description, person_id, room_id, team, assignee_id, promise_due_at, promise_kept, " +
		"reported_at, dispatched_at, accepted_at, arrived_at, quoted_at, confirmed_at, started_at, done_at, followed_up_at, closed_at, cancelled_at, satisfaction, works, cancel_reason, updated_at"},
	{"complaints", "id, project_id, channel, category, severity, person_id, building_id, description, fast, state, received_by, received_at, " +
		"acknowledged_by, acknowledged_at, team, assignee_id, assigned_at, handled_by, handled_at, replied_at, revisited_by, revisited_at, closed_at, updated_at"},
	{"revisits", "id, project_id, person_id, assistant_id, due_at, purpose, status, done_at, done_by, satisfaction, created_at, kind"},
	{"passes", "id, project_id, room_id, person_id, person_name, relation, items, gate, state, started_by, started_at, decided_by, decided_at, " +
		"confirm_method, owner_person_id, released_by, released_at, release_gate, updated_at"},
	{"hazards", "id, project_id, source, run_id, building_id, place, description, severity, state, reported_by, reported_at, assignee_id, assigned_at, due_at, " +
		"rectified_by, rectified_at, verified_by, verified_at, updated_at"},
	{"deadlines", "id, project_id, object_type, object_id, kind, basis, due_at, warn_at, state, generation, armed_at, disarmed_at, met, updated_at"},
}

// BeginActivity starts a bulk load of generated activity into a seeded
// database (the tables of activitySchema, through Row). As with BeginBulk,
// nothing else may write until it is committed or rolled back.
func (db *DB) BeginActivity(ctx context.Context) (*Bulk, error) {
	return db.beginBulk(ctx, activitySchema, false)
}

// Row adds a row to a table of the load, its values in the order of the
// table's columns; a table with an id column gets the next ID, which Row
// returns, and vals then start with the column after id.
func (b *Bulk) Row(ctx context.Context, table string, vals ...any) (int64, error) {
	t := b.byName[table]
	if t == nil {
		return 0, fmt.Errorf("bulk: no table %s in this load", table)
	}
	var id int64
	if t.next > 0 {
		id = t.id()
		vals = append([]any{id}, vals...)
	}
	if len(vals) != len(t.cols) {
		return 0, fmt.Errorf("bulk: %s takes %d values (%s), got %d", table, len(t.cols), strings.Join(t.cols, ", "), len(vals))
	}
	return id, b.add(ctx, t, vals...)
}

// ActivityHousehold is an occupied home of a project, as the activity
// generator needs it: the room, its building and its first resident.
type ActivityHousehold struct {
	RoomID, BuildingID, PersonID int64
	Name, Relation               string
}

// ActivityHouseholds returns a project's occupied homes (residents who have
// not moved out), in room order.
func (db *DB) ActivityHouseholds(ctx context.Context, projectID int64) ([]ActivityHousehold, error) {
	rows, err := db.read.QueryContext(ctx, db.rebind(`SELECT h.room_id, r.building_id, h.person_id, p.name, h.relation
		FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id
		WHERE h.project_id = ? AND h.move_out = '' ORDER BY h.room_id, h.id`), projectID)
	if err != nil {
		return nil, fmt.Errorf("activity households: %w", err)
	}
	defer rows.Close()
	var out []ActivityHousehold
	for rows.Next() {
		var h ActivityHousehold
		if err := rows.Scan(&h.RoomID, &h.BuildingID, &h.PersonID, &h.Name, &h.Relation); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].RoomID == h.RoomID {
			continue // the home's first resident speaks for it
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// ActivityPatrolRoute returns the ID of a project's first patrol route, or
// 0 if it has none.
func (db *DB) ActivityPatrolRoute(ctx context.Context, projectID int64) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, db.rebind(`SELECT COALESCE(MIN(id), 0) FROM patrol_routes WHERE project_id = ? AND kind = 'patrol'`), projectID).Scan(&id)
	return id, err
}
