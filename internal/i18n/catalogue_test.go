package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
)

// messagesInSource returns every English message the code and templates
// show: formats of domain errors, T(…) calls, page titles, navigation
// labels and cnformat's message constants.
func messagesInSource(t *testing.T) []string {
	t.Helper()
	root := filepath.Join("..", "..")
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" {
			seen[s] = true
		}
	}
	firstString := func(args []ast.Expr) string {
		for _, a := range args {
			if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				return s
			}
		}
		return ""
	}
	tmplT := regexp.MustCompile(`\.T "((?:[^"\\]|\\.)*)"`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		switch {
		case strings.HasSuffix(path, ".html"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range tmplT.FindAllStringSubmatch(string(b), -1) {
				add(m[1])
			}
		case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go"):
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					var name, recv string
					switch fn := n.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
						if x, ok := fn.X.(*ast.Ident); ok {
							recv = x.Name
						}
					}
					switch {
					case (name == "Errorf" && recv != "fmt") || name == "T" || name == "newPage" || name == "newSecurityPage":
						add(firstString(n.Args))
					case name == "FieldErrorf" && len(n.Args) >= 3:
						add(firstString(n.Args[2:]))
					}
				case *ast.KeyValueExpr:
					// Labels, and the messages a life cycle declares.
					if k, ok := n.Key.(*ast.Ident); ok && slices.Contains([]string{"Label", "Refusal", "Unassigned", "OthersOnly"}, k.Name) {
						add(firstString([]ast.Expr{n.Value}))
					}
				case *ast.ValueSpec:
					for i, id := range n.Names {
						if strings.HasPrefix(id.Name, "msg") && i < len(n.Values) {
							add(firstString([]ast.Expr{n.Values[i]}))
						}
					}
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Keys made at run time from domain values.
	for _, p := range wubu.Posts {
		add("post:" + string(p))
	}
	for _, r := range wubu.Roles {
		add("role:" + string(r))
	}
	for _, k := range wubu.AssignmentKinds {
		add("assign:" + string(k))
	}
	for _, a := range []string{wubu.ActionCreate, wubu.ActionUpdate, wubu.ActionDelete, wubu.ActionRead, wubu.ActionLogin, wubu.ActionLoginFailed, wubu.ActionLogout} {
		add("action:" + a)
	}
	for _, r := range wubu.Relations {
		add("relation:" + string(r))
	}
	for _, f := range wubu.CareFlags {
		add("care:" + string(f))
	}
	for _, k := range wubu.SpecialDayKinds {
		add("day:" + string(k))
	}
	for _, k := range []wubu.CardKind{wubu.CardParking, wubu.CardAccess} {
		add("card:" + string(k))
	}
	for _, a := range wubu.AlarmStatuses {
		add("alarm:" + string(a))
	}
	// Profile fields, as person.changed timeline entries and contributions name them.
	for _, f := range []string{"name", "gender", "phones", "phone", "id_number", "birthday", "occupation", "notes", "care_flags", "importance", "alarm_status", "plates", "special_days", "photo"} {
		add("field:" + f)
	}
	for _, k := range []string{"person.created", "person.changed", "household.added", "vehicle.added", "card.added", "special_day.added", "photo.set", "contact"} {
		add("timeline:" + k)
	}
	// The resident import's timeline entries (F6) and the fields they name.
	for _, k := range []string{"timeline:import", "field:homes", "field:cards"} {
		add(k)
	}
	// The outbox's statuses and channels.
	for _, st := range wubu.MessageStatuses {
		add("message:" + string(st))
	}
	for _, c := range wubu.Channels {
		add("channel:" + string(c))
	}
	// Festival campaigns' states (D3).
	for _, st := range []wubu.GreetingState{wubu.GreetingScheduled, wubu.GreetingQueued, wubu.GreetingCancelled} {
		add("campaign:" + string(st))
	}
	add("timeline:care_visit") // a care visit (H1) on the resident's timeline
	// Revisits (U4, S3): the timeline's kinds, states and satisfaction choices.
	for _, k := range []string{"timeline:revisit", "timeline:revisit.planned", "revisit:planned", "revisit:done",
		"satisfaction:1", "satisfaction:2", "satisfaction:3", "satisfaction:4", "satisfaction:5"} {
		add(k)
	}
	// Visits, their survey forms and move-ins (K3, D1, D4, K7): kinds,
	// checklists, purposes, question kinds, states, timeline and clocks.
	for _, k := range wubu.VisitKinds {
		add("visit:" + string(k))
		add("purpose:" + string(wubu.VisitSurvey(k)))
		for _, c := range k.Checklist() {
			add("check:" + c)
		}
	}
	add("purpose:" + string(wubu.SurveyCommunity))
	add("purpose:" + string(wubu.SurveyCare))
	for _, k := range wubu.QuestionKinds {
		add("question:" + string(k))
	}
	for _, st := range []wubu.MoveInState{wubu.MoveInOpen, wubu.MoveInCompleted, wubu.MoveInCancelled} {
		add("move_in:" + string(st))
	}
	for _, k := range []string{"timeline:survey", "timeline:move_in", "deadline:stall", "deadline:visit"} {
		add(k)
	}
	// The customer card's opt-out boxes name each kind of message (a new
	// kind needs a "message_kind:" entry).
	for _, k := range notify.Kinds() {
		add("message_kind:" + k)
	}
	// The security post's states, methods, kinds and incident log lines.
	for _, st := range wubu.PassStates {
		add("pass:" + string(st))
	}
	for _, m := range wubu.PassConfirmMethods {
		add("confirm:" + string(m))
	}
	for _, st := range wubu.TenantStates {
		add("tenant:" + string(st))
	}
	for _, k := range wubu.IncidentKinds {
		add("incident:" + string(k))
	}
	for _, st := range wubu.IncidentStates {
		add("incident_state:" + string(st))
	}
	for _, k := range []string{"reported", "notified", "notify_failed", "breach", "escalation", "acknowledged", "note", "closed"} {
		add("incident_log:" + k)
	}
	// Inspection campaigns and housekeeping (M3, M9, C2, C5, C7).
	for _, k := range wubu.CampaignKinds {
		add("inspection_kind:" + string(k))
	}
	for _, st := range wubu.VisitStatuses {
		add("visit:" + string(st))
		if st != wubu.VisitPending {
			add("timeline:inspection." + string(st))
		}
	}
	for _, sv := range wubu.Severities {
		add("severity:" + string(sv))
	}
	for _, c := range wubu.ServiceCategories {
		add("service:" + string(c))
	}
	for _, st := range wubu.BookingStatuses {
		add("booking:" + string(st))
	}
	for _, k := range []string{"source:housekeeping", "source:inspection", "source:manual", "timeline:inspection.finding", "timeline:inspection.needs_repair",
		"timeline:housekeeping.booked", "timeline:housekeeping.rescheduled", "timeline:housekeeping.cancelled", "timeline:housekeeping.done", "timeline:need.noted"} {
		add(k)
	}
	// The front desk's businesses and ticket states, the gifts' kinds (E2, D2, C6).
	for _, b := range wubu.DeskBusinesses {
		add("desk_business:" + string(b))
	}
	for _, st := range wubu.TicketStates {
		add("desk_state:" + string(st))
	}
	for _, k := range wubu.GiftKinds {
		add("gift_kind:" + string(k))
	}
	add("timeline:gift")
	add("gift_movement:" + wubu.GiftReceipt)
	add("gift_movement:" + wubu.GiftHandout)
	// Renovations (M4, S11): states, scopes, deposits, the default
	// briefing checklist and the resident's timeline.
	for _, st := range wubu.RenovationLifecycle.States {
		add("renovation:" + st.Name)
		add("timeline:renovation." + st.Name)
	}
	for _, sc := range wubu.RenovationScopes {
		add("renovation_scope:" + sc)
	}
	for _, st := range wubu.ViolationLifecycle.States {
		add("violation:" + st.Name)
	}
	for _, k := range wubu.ViolationKinds {
		add("violation_kind:" + k)
	}
	add("deposit:returned")
	add("deposit:withheld")
	for _, it := range wubu.DefaultBriefingChecklist {
		add(it)
	}
	for _, it := range wubu.DefaultFinalChecklist {
		add(it)
	}
	for _, k := range []string{wubu.PassNotInWorks, wubu.PassOutsidePeriod, wubu.PassHoliday, wubu.PassOutsideHours} {
		add("pass_reason:" + k)
	}
	for _, p := range wubu.EscalationParties {
		add("party:" + string(p))
	}
	// The renovation settings' whole-number fields (web's renovationSettingsNumbers).
	for _, f := range []string{"review_hours", "inspect_hours", "deposit", "purge_days", "escalate_after"} {
		add("renovation_setting:" + f)
	}
	// Work orders' states, steps, categories, urgencies, sources, price
	// kinds, confirmation methods and checklist items (M5–M8).
	for _, st := range wubu.OrderStates {
		add("state:" + string(st))
		add("timeline:order." + string(st))
	}
	// The steps and states of every life cycle, as its events name them.
	for _, lc := range wubu.Lifecycles {
		// The audit log and the clocks name the object by its kind.
		add("object:" + lc.Object)
		for _, st := range lc.Steps {
			add("action:" + lc.Object + "." + st.Action)
		}
	}
	for _, st := range wubu.HazardStates {
		add("timeline:hazard." + string(st))
	}
	// Community events and lectures (K1, H4, M4): kinds, subjects, states.
	for _, k := range wubu.EventKinds {
		add("event_kind:" + string(k))
	}
	for _, k := range wubu.LectureTopics {
		add("lecture_topic:" + k)
	}
	for _, st := range wubu.EventLifecycle.States {
		add("event_state:" + st.Name)
	}
	// The six-step scorecard's steps, measures and formulas.
	for _, s := range wubu.Steps {
		add("step:" + string(s))
	}
	for _, c := range wubu.ScorecardCells {
		add(c.Measure)
		add(c.Formula)
	}
	for _, k := range []string{"object:event", "object:signup", "object:bulletin", "object:pest_plan"} {
		add(k)
	}
	for _, k := range wubu.BulletinKinds {
		add("bulletin_kind:" + string(k))
	}
	for _, st := range wubu.SignupLifecycle.States {
		add("signup_state:" + st.Name)
		add("timeline:signup." + st.Name)
	}
	// The anticipated-issue register (K8): states and sources.
	for _, st := range wubu.FocusStates {
		add("focus_state:" + string(st))
	}
	for _, src := range wubu.FocusSources {
		add("focus_source:" + src)
	}
	for _, k := range wubu.LocalResourceKinds {
		add("local_resource:" + k)
	}
	add("field:address") // the prospects' read, as the audit names it (K6)
	// The forum's and the visitor passes' timeline entries (K4, U5, 访客).
	add("timeline:forum.join")
	add("timeline:visitor.invited")
	add("timeline:visitor.cancelled")
	for _, k := range []string{wubu.AuthorResident, wubu.AuthorProspect, wubu.AuthorStaff} {
		add("forum_author:" + k)
	}
	for _, st := range wubu.ForumPostLifecycle.States {
		add("forum_state:" + st.Name)
	}
	for _, k := range []string{wubu.BoardForum, wubu.BoardGroup} {
		add("forum_board:" + k)
	}
	for _, k := range wubu.PreMoveInKinds {
		add("premovein:" + k)
	}
	// Round tables and lobby hours (A1, A2): states, who booked, weekdays,
	// the timeline and the follow-ups' clock.
	for _, st := range wubu.RoundTableStates {
		add("round_table_state:" + st)
	}
	for _, st := range wubu.TalkFollowUpLifecycle.States {
		add("talk_followup_state:" + st.Name)
	}
	for _, k := range []string{"booked_by:staff", "booked_by:resident", "deadline:talk_followup", "timeline:lobby_visit", "timeline:round_table.booked",
		"timeline:round_table.cancelled", "timeline:round_table.held", "timeline:talk_followup.closed"} {
		add(k)
	}
	for d := 1; d <= 7; d++ {
		add("weekday:" + strconv.Itoa(d))
	}
	add("focus_followup:" + wubu.FollowUpPlanned)
	add("focus_followup:" + wubu.FollowUpDone)
	// Complaints (U4): states, categories, channels, links, timeline.
	for _, st := range wubu.ComplaintStates {
		add("complaint_state:" + string(st))
	}
	for _, c := range wubu.ComplaintCategories {
		add("complaint_category:" + string(c))
	}
	for _, c := range wubu.ComplaintChannels {
		add("complaint_channel:" + string(c))
	}
	for _, l := range wubu.ComplaintLinkTypes {
		add("complaint_link:" + l)
	}
	for _, k := range []string{"received", "acknowledged", "assigned", "handled", "replied", "revisit", "reopen", "closed"} {
		add("timeline:complaint." + k)
	}
	for _, k := range []string{"ack_minutes", "handle_minutes", "fast_ack_minutes", "fast_handle_minutes", "importance_level", "importance_index", "decay_days", "visit_points"} {
		add("complaint_setting:" + k)
	}
	for _, k := range []string{"acknowledge", "handle", "acknowledge_fast", "handle_fast"} {
		add("deadline:" + k)
	}
	for _, a := range append(wubu.OrderActions, wubu.ActOpen, wubu.ActOpenNight) {
		add("action:order." + string(a))
	}
	for _, c := range wubu.OrderCategories {
		add("category:" + string(c))
	}
	for _, u := range wubu.OrderUrgencies {
		add("urgency:" + string(u))
	}
	for _, s := range wubu.OrderSources {
		add("source:" + string(s))
	}
	for _, k := range []wubu.PriceKind{wubu.PriceLabour, wubu.PriceMaterial} {
		add("kind:" + string(k))
	}
	for _, m := range wubu.ConfirmMethods {
		add("method:" + m)
	}
	add("method:" + wubu.ConfirmMethodPortal)
	// Residents' change requests from the portal (issue 15).
	for _, k := range wubu.PortalChangeKinds {
		add("portal_change:" + string(k))
	}
	for _, st := range wubu.PortalChangeLifecycle.States {
		add("portal_change_state:" + st.Name)
		add("timeline:portal_change." + st.Name)
	}
	for _, c := range wubu.ChecklistItems {
		add("check:" + c)
	}
	// The security post's patrols, hazards, parking, alarms and knowledge (S3–S7, S10, S11).
	for _, k := range wubu.CheckStatuses {
		add("patrol_check:" + string(k))
	}
	for _, k := range wubu.CheckpointKinds {
		add("checkpoint:" + string(k))
	}
	for _, k := range wubu.RouteKinds {
		add("route:" + string(k))
	}
	for _, k := range wubu.Severities {
		add("hazard_severity:" + string(k))
	}
	for _, k := range wubu.HazardSources {
		add("hazard_source:" + string(k))
	}
	for _, k := range wubu.HazardStates {
		add("hazard:" + string(k))
	}
	for _, k := range wubu.ParkingStates {
		add("parking:" + string(k))
	}
	for _, k := range wubu.ParkingKinds {
		add("parking_kind:" + string(k))
	}
	for _, k := range wubu.ReminderMethods {
		add("reminder:" + string(k))
	}
	for _, k := range wubu.AdviceTopics {
		add("advice:" + string(k))
	}
	for _, k := range wubu.SafetyCampaignKinds {
		add("safety_campaign:" + string(k))
	}
	for _, k := range wubu.SafetyThemes {
		add("safety_theme:" + k)
	}
	for _, k := range wubu.KBCategories {
		add("kb:" + k)
	}
	for _, k := range wubu.ArchiveKinds {
		add("archive:" + k)
	}
	for _, k := range []string{wubu.PhotoFound, wubu.PhotoRectified, wubu.PhotoHandled} {
		add("security_photo:" + k)
	}
	for _, d := range []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"} {
		add(d)
	}
	// The SLA clocks on the Today page name their object and step (DeadlineKey of each feature).
	for _, k := range []string{"object:order", "object:hazard", "object:pass", "object:tenant_registration", "object:patrol_run", "object:incident",
		"deadline:arrival", "deadline:rectify", "deadline:confirm", "deadline:check", "deadline:file", "deadline:finish", "deadline:ack"} {
		add(k)
	}
	// The audit log names objects and fields by the keys of its entries'
	// JSON, looked up at run time (web's auditChanges, objectName).
	for _, k := range Keys() {
		if strings.HasPrefix(k, "audit_field:") || strings.HasPrefix(k, "object:") || strings.HasPrefix(k, "clock_state:") || strings.HasPrefix(k, "clock_stage:") || strings.HasPrefix(k, "system:") || strings.HasPrefix(k, "duty_roster:") {
			add(k)
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestCatalogueComplete fails when a message shown to users has no Chinese:
// zh-CN is the first language, so every message needs one.
func TestCatalogueComplete(t *testing.T) {
	msgs := messagesInSource(t)
	if len(msgs) < 50 {
		t.Fatalf("found only %d messages in the source: the scan is broken", len(msgs))
	}
	var missing []string
	for _, m := range msgs {
		if !Has(m) {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		var b strings.Builder
		for _, m := range missing {
			b.WriteString("\n\t" + strconv.Quote(m) + ": \"\",")
		}
		t.Errorf("%d messages have no zh-CN translation in catalogue/zh-CN/*.json:%s", len(missing), b.String())
	}
	// Symbolic keys ("post:security") need English too.
	for _, m := range msgs {
		if strings.Contains(m, ":") && !strings.Contains(m, " ") {
			if _, ok := en[m]; !ok {
				t.Errorf("symbolic key %q has no English in catalogue/en", m)
			}
		}
	}
	// Unused entries are dead weight; report them so they get removed.
	for _, k := range Keys() {
		if !slices.Contains(msgs, k) {
			t.Errorf("the zh-CN catalogue has %q, which nothing uses", k)
		}
	}
}

// TestCatalogueFormats checks that each translation keeps the verbs of its
// English message, in order, so arguments land in the right place.
func TestCatalogueFormats(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)
	for en, zhMsg := range zh {
		if got, want := verbs.FindAllString(zhMsg, -1), verbs.FindAllString(en, -1); !slices.Equal(got, want) {
			t.Errorf("%q → %q: got verbs %v, want %v", en, zhMsg, got, want)
		}
		if strings.TrimSpace(zhMsg) == "" {
			t.Errorf("%q has an empty translation", en)
		}
	}
}

func TestT(t *testing.T) {
	if got := T(ZH, "Sign in"); got != "登录" {
		t.Errorf("got %q, want 登录", got)
	}
	if got := T(EN, "Sign in"); got != "Sign in" {
		t.Errorf("got %q, want Sign in", got)
	}
	if got := T(ZH, "Project code %q is already taken.", "LJY"); got != `项目编码"LJY"已被占用。` {
		t.Errorf("got %q", got)
	}
}
