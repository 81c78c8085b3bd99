package web

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu/internal/i18n"
)

// auditRow is an audit entry as the page shows it: who by name, the object
// by its kind and name, and the change as a list of fields.
type auditRow struct {
	At      time.Time
	Who     string
	Login   string
	IP      string
	Action  string
	Field   string
	Object  string
	Href    string
	Changes []auditChange
}

// auditChange is one field of an entry: its value before and after (one
// of them empty when the object was created, deleted or read).
type auditChange struct {
	Field, Before, After string
}

// objectName names an object in the page's language: "工单 #5",
// "员工 经理 陈建国", "住户 侯萍".
func (p *Page) objectName(n *names, objectType, objectID string) string {
	kind := p.codeLabel("object:", objectType)
	id, err := strconv.ParseInt(objectID, 10, 64)
	switch {
	case objectID == "":
		return kind
	case err == nil && objectType == "user":
		return kind + " " + n.User(id)
	case err == nil && (objectType == "person" || objectType == "resident"):
		return kind + " " + n.Person(id)
	case err == nil && objectType == "building":
		return n.Building(id)
	case err == nil:
		return kind + " #" + objectID
	case strings.Contains(objectID, "="):
		return kind // a summary ("households=3000 seed=1"), in the entry's fields
	}
	return kind + " " + p.codeLabel(objectType+":", objectID)
}

// codeLabel translates a code by its catalogue key (prefix + code), or
// shows it as it is when the catalogue has no name for it.
func (p *Page) codeLabel(prefix, code string) string {
	if i18n.Has(prefix + code) {
		return p.T(prefix + code)
	}
	return code
}

// auditChanges reads an entry's JSON before and after into a field list:
// an update lists the fields that changed, a creation or deletion every
// field; IDs of staff and residents become names, times China time, codes
// their names.
func (p *Page) auditChanges(n *names, objectType, before, after string) []auditChange {
	var b, a map[string]any
	json.Unmarshal([]byte(before), &b)
	json.Unmarshal([]byte(after), &a)
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	var out []auditChange
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		bv, inB := b[k]
		av, inA := a[k]
		if auditSkip(k, a, b) {
			continue
		}
		c := auditChange{Field: p.codeLabel("audit_field:", k)}
		if inB {
			c.Before = p.auditValue(n, objectType, k, bv)
		}
		if inA {
			c.After = p.auditValue(n, objectType, k, av)
		}
		if inA && inB && c.Before == c.After {
			continue
		}
		out = append(out, c)
	}
	return out
}

// auditSkip reports whether a field says nothing the page does not show
// otherwise: the object's own IDs, an ID beside the name or label it
// stands for ("room_id" beside "room"), a name beside the ID shown as that
// name ("user_name" beside "user_id").
func auditSkip(k string, ms ...map[string]any) bool {
	if k == "id" || k == "project_id" {
		return true
	}
	if base, ok := strings.CutSuffix(k, "_id"); ok {
		for _, m := range ms {
			if _, twin := m[base]; twin {
				return true
			}
			if _, twin := m[base+"_label"]; twin {
				return true
			}
		}
	}
	return strings.HasSuffix(k, "_name") && hasIDTwin(k, ms...)
}

// hasIDTwin reports whether "user_name" has its "user_id" (or
// "reporter_name" its "reported_by") beside it, so the name is shown once,
// in place of the ID.
func hasIDTwin(k string, ms ...map[string]any) bool {
	base := strings.TrimSuffix(k, "_name")
	for _, m := range ms {
		for other := range m {
			if other == base+"_id" || staffIDFields[other] && other != k && strings.HasPrefix(other, base[:min(len(base), 5)]) {
				return true
			}
		}
	}
	return false
}

// auditObjectTypes are the kinds of object the audit log's filter offers.
var auditObjectTypes = []string{"user", "session", "project", "zone", "building", "unit", "room", "assignment", "resident", "person", "household",
	"vehicle", "card", "special_day", "appliance", "order", "price_item", "pass", "tenant_registration", "incident", "hazard", "patrol_route",
	"patrol_run", "patrol_checkpoint", "parking_problem", "deadline", "message", "booking", "home_service", "revisit", "settings"}

// auditValuePrefixes are the catalogue prefixes naming the codes of an
// object's field ("hazard.state" → "hazard:assigned"); a field not listed
// tries "field:" itself ("urgency:normal").
var auditValuePrefixes = map[string]string{
	"hazard.state": "hazard:", "hazard.severity": "hazard_severity:", "hazard.source": "hazard_source:",
	"parking_problem.state": "parking:", "parking_problem.kind": "parking_kind:",
	"incident.kind": "incident:", "incident.state": "incident_state:",
	"kb_entry.category": "kb:", "safety_campaign.kind": "safety_campaign:", "safety_campaign.theme": "safety_theme:",
	"security_archive.kind": "archive:", "security_contact.method": "reminder:", "security_contact.topics": "advice:",
	"deadline.kind": "deadline:", "deadline.state": "clock_state:", "deadline.stage": "clock_stage:", "deadline.next_stage": "clock_stage:",
	"object_type": "object:", "tenant_registration.state": "tenant:", "pass.state": "pass:",
	"home_service.category": "service:", "booking.state": "booking:", "assignment.kind": "assign:",
	"patrol_checkpoint.kind": "checkpoint:", "patrol_route.kind": "route:", "inspection_visit.status": "visit:",
	"campaign.kind": "inspection_kind:", "need.source": "source:", "confirm_method": "confirm:", "booking.status": "booking:",
	"duty_roster.day":  "duty_roster:",
	"renovation.state": "renovation:", "renovation.deposit_state": "deposit:", "renovation_violation.state": "violation:",
	"revisit.kind": "visit:", "revisit.status": "revisit:", "revisit.checks": "check:", "move_in.state": "move_in:",
	"survey_form.purpose": "purpose:", "survey_form.kind": "question:", "alarm_status": "alarm:",
	"desk_ticket.state": "desk_state:", "desk_ticket.business": "desk_business:", "gift_item.kind": "gift_kind:", "gift_movement.kind": "gift_movement:",
	"event.state": "event_state:", "event.kind": "event_kind:", "event.topic": "lecture_topic:", "signup.state": "signup_state:", "bulletin.kind": "bulletin_kind:",
	"assessment.state": "sitting:", "onboarding.state": "onboarding:", "training_lead.kind": "lead:", "special_day.kind": "day:",
	"focus_issue.state": "focus_state:", "focus_followup.state": "focus_followup:", "local_resource.kind": "local_resource:",
	"forum_post.author_kind": "forum_author:", "forum_post.state": "forum_state:", "forum_board.kind": "forum_board:", "premovein_item.kind": "premovein:",
	"round_table.state": "round_table_state:", "round_table.booked_by": "booked_by:", "talk_followup.state": "talk_followup_state:",
	"segment.relations": "relation:", "segment.care_flags": "care:", "segment.special_day": "day:",
	"segment_export.relations": "relation:", "segment_export.care_flags": "care:", "segment_export.special_day": "day:",
}

// auditDurationFields hold durations in nanoseconds.
var auditDurationFields = map[string]bool{"after": true, "lateness": true}

// staffIDFields are the fields holding a staff member's ID.
var staffIDFields = map[string]bool{"user_id": true, "assignee_id": true, "cleaner_id": true, "superior_id": true, "started_by": true,
	"reported_by": true, "decided_by": true, "acknowledged_by": true, "released_by": true, "closed_by": true, "created_by": true,
	"visited_by": true, "duty_user_id": true, "oncall_user_id": true, "leader_id": true, "assistant_id": true,
	"trained_by": true, "lead_by": true, "training_by": true, "issued_by": true, "host_id": true, "owner_id": true}

// auditValue shows one value of an entry's field.
func (p *Page) auditValue(n *names, objectType, key string, v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		if x {
			return p.T("Yes")
		}
		return p.T("No")
	case float64:
		id := int64(x)
		switch {
		case float64(id) != x:
		case staffIDFields[key]:
			return n.User(id)
		case key == "person_id" || key == "owner_person_id":
			return n.Person(id)
		case key == "building_id" || key == "building_ids":
			return n.Building(id)
		case auditDurationFields[key]:
			return p.Duration(time.Duration(id))
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return p.DateTime(t)
		}
		if kind, id, ok := strings.Cut(x, ":"); ok {
			switch i, err := strconv.ParseInt(id, 10, 64); {
			case kind == "user" && err == nil:
				return n.User(i)
			case kind == "person" && err == nil:
				return n.Person(i)
			case kind == "role":
				return p.codeLabel("role:", id)
			}
		}
		if prefix, ok := auditValuePrefixes[objectType+"."+key]; ok {
			return p.codeLabel(prefix, x)
		}
		if prefix, ok := auditValuePrefixes[key]; ok {
			return p.codeLabel(prefix, x)
		}
		return p.codeLabel(key+":", x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = p.auditValue(n, objectType, key, e)
		}
		return strings.Join(parts, p.listSeparator())
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if auditSkip(k, x) {
				continue
			}
			parts = append(parts, p.codeLabel("audit_field:", k)+p.colon()+p.auditValue(n, objectType, k, x[k]))
		}
		return strings.Join(parts, p.listSeparator())
	}
	return fmt.Sprint(v)
}

// colon separates a label from its value: "：" in Chinese.
func (p *Page) colon() string {
	if p.Lang == "en" {
		return ": "
	}
	return "："
}

// listSeparator separates the items of a list: "、" in Chinese.
func (p *Page) listSeparator() string {
	if p.Lang == "en" {
		return ", "
	}
	return "、"
}
