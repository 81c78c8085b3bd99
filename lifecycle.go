package wubu

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Life cycles: every object that moves through steps — a work order, a
// release pass, a tenant registration, an incident, a hazard, a parking
// problem, a patrol run, and what later features add — declares once, in a
// Lifecycle next to its type, its states, the steps allowed from each, who
// may take each step, the clock each step arms or stops (with its
// escalation chain) and the notices each step sends. One runner in the
// store executes every declaration the same way: it locks the object's row,
// authorizes, checks the step against the declaration, applies the
// object's own changes, writes the event, the audit entry and the
// resident's timeline entry, changes the clock and queues the notices
// through the outbox, all in one transaction. Reading one declaration tells
// how its object behaves.

// Lifecycle declares how one kind of object moves through its steps.
type Lifecycle struct {
	// Object is the object's type in events, audit entries, clocks and
	// notices: "order", "hazard"…
	Object string
	// Lead is the permission of those who may act in place of an assignee
	// (ActorRule.Assignee): with it, a team leader of the object's post
	// and the roles above team leaders.
	Lead Permission
	// Messages are the life cycle's refusals of an actor.
	Messages LifecycleMessages
	// States lists every state, the first the one an object is created in
	// (unless its creating step says otherwise).
	States []LifecycleState
	// Steps lists every step, the creating ones (From empty) included.
	Steps []StepDecl
	// Clocks declares the promises the steps arm, by kind.
	Clocks []ClockDecl
}

// LifecycleMessages are the catalogue keys refusing an actor, each with
// the object's number (%[1]d) and, for OthersOnly, the assignee (%[2]s).
type LifecycleMessages struct {
	Unassigned string // a step for the assignee when there is none
	OthersOnly string // a step for the assignee, taken by someone else
	// AssigneeCode is the error code of OthersOnly: EFORBIDDEN (the
	// default), or ECONFLICT where the assignment is expected to change
	// under people's feet (orders up for grabs and reassigned). Unassigned
	// is always ECONFLICT: a matter of the object's state.
	AssigneeCode string
}

// LifecycleState is one state of a life cycle.
type LifecycleState struct {
	Name string
	// Refusal is the message refusing a step the state does not allow, a
	// catalogue key with one %d for the object's number.
	Refusal string
	// Final states allow no step.
	Final bool
}

// StepDecl declares one step: from which states it may be taken, the state
// it leads to, who may take it, what it does to the object's clock and the
// notices it sends.
type StepDecl struct {
	Action string
	// From lists the states the step may be taken from; none for a step
	// that creates the object.
	From []string
	// To is the state the step leads to; empty to stay in the state.
	To string
	// Perm is the permission the step needs in the object's project.
	Perm Permission
	// Actor narrows who among those with Perm may take the step.
	Actor ActorRule
	// Clocks are what the step does to the object's clocks, in order.
	Clocks []ClockEffect
	// Notify lists the notices the step sends, queued in its transaction.
	Notify []NoticeDecl
	// Resident lets a resident take the step through the portal
	// (RoleResident, with PermPortal instead of Perm, and no actor rule):
	// the portal's service lets them only on the objects of their own
	// homes (an order, a pass, an event's sign-up, a round table's
	// booking). Staff take it as declared.
	Resident bool
}

// ActorRule narrows who may take a step.
type ActorRule struct {
	// Assignee: only the object's assignee, or a leader of the object's
	// post (with the life cycle's Lead permission: a team leader of that
	// post, or a role above team leaders).
	Assignee bool
	// Leaders: only those who lead the object's post (with the life
	// cycle's Lead permission: a team leader of that post, or a role
	// above team leaders), never staff.
	Leaders bool
	// NotBy names steps whose last taker may not take this one: the
	// four-eyes rule (a hazard is verified by someone other than its
	// rectifier; an order's follow-up call is not made by the technician
	// who did the work).
	NotBy []string
	// Refusal refuses the Leaders or the four-eyes rule, with the object's
	// number (%d).
	Refusal string
}

// ClockOp is what a step does to a clock.
type ClockOp string

// Clock operations.
const (
	// ClockArm arms the promise (a new deadline).
	ClockArm ClockOp = "arm"
	// ClockRearm arms it afresh as a new generation (armed if missing).
	ClockRearm ClockOp = "rearm"
	// ClockStop disarms it: the promise is judged met or missed.
	ClockStop ClockOp = "stop"
	// ClockCancel cancels it unjudged.
	ClockCancel ClockOp = "cancel"
	// ClockHandOver follows the object's assignee: the promise is armed
	// when the step gives the object its first due time; a running promise
	// is handed to a new assignee with the same due time; a promise already
	// broken stays broken, and the new assignee is told at once that the
	// object is late. Nothing happens when neither changes.
	ClockHandOver ClockOp = "hand_over"
)

// ClockEffect is the change a step makes to one of the object's clocks.
type ClockEffect struct {
	Op ClockOp
	// Kind names the clock, one of the life cycle's ClockDecl kinds.
	Kind string
	// When names the condition of the object under which the change is
	// made (the store evaluates it, as for NoticeDecl.When); empty for
	// always. A complaint arms the clock of its lane.
	When string
}

// Party is whom a clock stage or a notice reaches, named by its relation to
// the object.
type Party string

// Parties.
const (
	PartyAssignee    Party = "assignee"     // the object's assignee
	PartyLeaders     Party = "leaders"      // the team leaders of the object's post
	PartySuperior    Party = "superior"     // the object's named superior, else the post's team leaders
	PartyReporter    Party = "reporter"     // whoever created the object
	PartyDutyManager Party = "duty_manager" // the duty manager on the roster at the moment, else the project's duty managers
	PartyManager     Party = "manager"      // the project's managers
	PartyOnDuty      Party = "on_duty"      // the duty person on the roster, else the duty managers
	PartyQuality     Party = "quality"      // the quality department serving the project
)

// Parties lists every party.
var Parties = []Party{PartyAssignee, PartyLeaders, PartySuperior, PartyReporter, PartyDutyManager, PartyManager, PartyOnDuty, PartyQuality}

// ClockDecl declares one promise of a life cycle.
type ClockDecl struct {
	Kind string
	// Within is the promise's span when the object gives no due time of its
	// own; Working counts it in the project's working time. WorkingDays
	// instead gives it as "within n working days".
	Within      time.Duration
	Working     bool
	WorkingDays int
	// WarnBefore is the lead time of the warning (0: none).
	WarnBefore time.Duration
	// Warn and Breach are whom the warning and the breach alert.
	Warn, Breach []Party
	// Escalation is the chain alerted after the breach.
	Escalation []EscalationDecl
}

// EscalationDecl is one link of a declared escalation chain: After the
// breach (cumulative), To is alerted.
type EscalationDecl struct {
	After time.Duration
	To    Party
}

// NoticeDecl is a notice a step sends: the template Kind to each party.
type NoticeDecl struct {
	Kind   string
	To     []Party
	Urgent bool
	// When names the condition of the object under which the notice is
	// sent (the store evaluates it); empty for always.
	When string
}

// State returns the declared state named s.
func (lc *Lifecycle) State(s string) (LifecycleState, bool) {
	for _, st := range lc.States {
		if st.Name == s {
			return st, true
		}
	}
	return LifecycleState{}, false
}

// Step returns the declared step of an action.
func (lc *Lifecycle) Step(action string) (StepDecl, bool) {
	for _, st := range lc.Steps {
		if st.Action == action {
			return st, true
		}
	}
	return StepDecl{}, false
}

// Clock returns the declared clock of a kind.
func (lc *Lifecycle) Clock(kind string) (ClockDecl, bool) {
	for _, c := range lc.Clocks {
		if c.Kind == kind {
			return c, true
		}
	}
	return ClockDecl{}, false
}

// Next returns the state the action leads to from the state, and whether
// the life cycle allows it.
func (lc *Lifecycle) Next(state, action string) (string, bool) {
	st, ok := lc.Step(action)
	if !ok || !slices.Contains(st.From, state) {
		return "", false
	}
	if st.To == "" {
		return state, true
	}
	return st.To, true
}

// Actions returns the actions allowed from a state, in declaration order.
func (lc *Lifecycle) Actions(state string) []string {
	var out []string
	for _, st := range lc.Steps {
		if slices.Contains(st.From, state) {
			out = append(out, st.Action)
		}
	}
	return out
}

// Refuse returns the conflict refusing a step from a state: the state's
// message naming the object.
func (lc *Lifecycle) Refuse(state string, id int64) error {
	if st, ok := lc.State(state); ok && st.Refusal != "" {
		return Errorf(ECONFLICT, st.Refusal, id)
	}
	return Errorf(ECONFLICT, "This step is not possible now.")
}

// ClockKey returns the deadline key of an object's clock of a kind.
func (lc *Lifecycle) ClockKey(projectID, id int64, kind string) DeadlineKey {
	return DeadlineKey{ProjectID: projectID, ObjectType: lc.Object, ObjectID: strconv.FormatInt(id, 10), Kind: kind}
}

// Check reports the first inconsistency of the declaration: a step from or
// to an undeclared state, a step out of a final state, a clock or a
// party not declared, a duplicate action.
func (lc *Lifecycle) Check() error {
	if lc.Object == "" || len(lc.States) == 0 {
		return fmt.Errorf("life cycle %q: no object or no states", lc.Object)
	}
	seen := map[string]bool{}
	for _, st := range lc.States {
		if seen[st.Name] {
			return fmt.Errorf("%s: state %q declared twice", lc.Object, st.Name)
		}
		seen[st.Name] = true
		if !st.Final && st.Refusal == "" {
			return fmt.Errorf("%s: state %q has no refusal message", lc.Object, st.Name)
		}
	}
	actions := map[string]bool{}
	parties := func(where string, ps ...Party) error {
		for _, p := range ps {
			if !slices.Contains(Parties, p) {
				return fmt.Errorf("%s: %s names unknown party %q", lc.Object, where, p)
			}
		}
		return nil
	}
	for _, st := range lc.Steps {
		if actions[st.Action] {
			return fmt.Errorf("%s: action %q declared twice", lc.Object, st.Action)
		}
		actions[st.Action] = true
		if st.Perm == "" {
			return fmt.Errorf("%s: step %q needs a permission", lc.Object, st.Action)
		}
		for _, f := range st.From {
			s, ok := lc.State(f)
			if !ok {
				return fmt.Errorf("%s: step %q from undeclared state %q", lc.Object, st.Action, f)
			}
			if s.Final {
				return fmt.Errorf("%s: step %q from final state %q", lc.Object, st.Action, f)
			}
		}
		if _, ok := lc.State(st.To); st.To != "" && !ok {
			return fmt.Errorf("%s: step %q to undeclared state %q", lc.Object, st.Action, st.To)
		}
		for _, c := range st.Clocks {
			if _, ok := lc.Clock(c.Kind); !ok || c.Op == "" {
				return fmt.Errorf("%s: step %q uses undeclared clock %q or no operation", lc.Object, st.Action, c.Kind)
			}
		}
		for _, n := range st.Notify {
			if err := parties("step "+st.Action, n.To...); err != nil {
				return err
			}
		}
	}
	for _, st := range lc.Steps {
		if (len(st.Actor.NotBy) > 0 || st.Actor.Leaders) && st.Actor.Refusal == "" {
			return fmt.Errorf("%s: step %q: actor rule without a refusal message", lc.Object, st.Action)
		}
		if st.Actor.Leaders && lc.Lead == "" {
			return fmt.Errorf("%s: step %q is for leaders but the life cycle has no lead permission", lc.Object, st.Action)
		}
		if st.Actor.Assignee && (lc.Messages.Unassigned == "" || lc.Messages.OthersOnly == "" || lc.Lead == "") {
			return fmt.Errorf("%s: step %q is for the assignee but the life cycle has no refusal messages or no lead permission", lc.Object, st.Action)
		}
		for _, a := range st.Actor.NotBy {
			if !actions[a] {
				return fmt.Errorf("%s: step %q: four-eyes rule names undeclared step %q", lc.Object, st.Action, a)
			}
		}
	}
	for _, c := range lc.Clocks {
		if err := parties("clock "+c.Kind, append(c.Warn, c.Breach...)...); err != nil {
			return err
		}
		for _, e := range c.Escalation {
			if err := parties("clock "+c.Kind, e.To); err != nil {
				return err
			}
		}
	}
	return nil
}

// Lifecycles lists every declared life cycle, for the tests that check
// them and the pages that show them.
var Lifecycles []*Lifecycle

// declare registers a life cycle and returns it.
func declare(lc *Lifecycle) *Lifecycle {
	Lifecycles = append(Lifecycles, lc)
	return lc
}
