package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// trainingWorld is a project with buildings 5 and 6 of six homes each, a
// resident in each with a phone, an ID number, a plate and (some) a photo,
// and the security post's staff.
type trainingWorld struct {
	f                                 *wubutest.Fixture
	db                                *sqlstore.DB
	clock                             *wubutest.Clock
	clocks                            *sqlstore.ClockService
	training                          *sqlstore.TrainingService
	residents                         *sqlstore.ResidentService
	b5, b6                            *wubu.Building
	names, rooms                      map[int64][]string // by building
	roomIDs, personIDs                map[int64][]int64
	guard, leader, lead, manager      *wubu.User
	guardCtx, leaderCtx, leadCtx, mgr context.Context
}

const trainingIDNumber = "11010519491231002X"

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func newTrainingWorld(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) *trainingWorld {
	t.Helper()
	f := wubutest.NewFixture(t, db)
	w := &trainingWorld{f: f, db: db, clock: clock, clocks: newClocks(t, db), residents: sqlstore.NewResidentService(db),
		names: map[int64][]string{}, rooms: map[int64][]string{}, roomIDs: map[int64][]int64{}, personIDs: map[int64][]int64{}}
	w.training = sqlstore.NewTrainingService(db, w.clocks)
	admin := f.Ctx(f.Admin)
	org := sqlstore.NewOrgService(db)
	n := 0
	for _, b := range []string{"5", "6"} {
		res, err := org.GenerateRooms(admin, wubu.RoomGeneration{ProjectID: f.ProjectA.ID, Building: b, Units: 1, FirstFloor: 1, Floors: 2, PerFloor: 3})
		if err != nil {
			t.Fatal(err)
		}
		bid := res.Building.ID
		if b == "5" {
			w.b5 = res.Building
		} else {
			w.b6 = res.Building
		}
		rooms, _, err := org.FindRooms(admin, wubu.RoomFilter{ProjectID: f.ProjectA.ID, BuildingID: &bid})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rooms {
			n++
			p := &wubu.Person{ProjectID: f.ProjectA.ID, Name: fmt.Sprintf("住户%s栋%02d", b, n), Phones: []string{fmt.Sprintf("1380013%04d", n)}}
			if n == 1 {
				p.IDNumber = trainingIDNumber
			}
			if err := w.residents.CreatePersonInRoom(admin, p, &wubu.Household{RoomID: r.ID, Relation: wubu.RelationOwner}); err != nil {
				t.Fatal(err)
			}
			if err := w.residents.AddVehicle(admin, &wubu.Vehicle{ProjectID: f.ProjectA.ID, PersonID: p.ID, Plate: fmt.Sprintf("粤B%05d", n)}); err != nil {
				t.Fatal(err)
			}
			if n%2 == 0 {
				if err := w.residents.SetPhoto(admin, p.ID, "image/png", tinyPNG(t)); err != nil {
					t.Fatal(err)
				}
			}
			w.names[bid] = append(w.names[bid], p.Name)
			w.rooms[bid] = append(w.rooms[bid], r.Label)
			w.roomIDs[bid] = append(w.roomIDs[bid], r.ID)
			w.personIDs[bid] = append(w.personIDs[bid], p.ID)
		}
	}
	w.guard = f.User(t, "guard", wubu.RoleStaff, wubu.PostSecurity, f.ProjectA)
	w.leader = f.User(t, "leader", wubu.RoleTeamLeader, wubu.PostSecurity, f.ProjectA)
	w.lead = f.User(t, "lead", wubu.RoleTeamLeader, wubu.PostSecurity, f.ProjectA)
	w.manager = f.User(t, "manager", wubu.RoleManager, wubu.PostNone, f.ProjectA)
	w.guardCtx, w.leaderCtx, w.leadCtx, w.mgr = f.Ctx(w.guard), f.Ctx(w.leader), f.Ctx(w.lead), f.Ctx(w.manager)
	return w
}

// inBuilding reports whether an option names only residents or rooms of
// the building.
func (w *trainingWorld) inBuilding(b int64, opt string) bool {
	for _, part := range strings.Split(opt, " · ") {
		if !slices.Contains(w.names[b], part) && !slices.Contains(w.rooms[b], part) {
			return false
		}
	}
	return true
}

// TestTrainingQuizOfBuilding: a guard's quiz of building 5 asks only of
// building 5's residents, its wrong answers come from building 5 too, and
// it never shows an ID number or a full phone; a security leader of
// building 5 gets building 5 without asking; another project's building
// is not found.
func TestTrainingQuizOfBuilding(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newTrainingWorld(t, db, clock)
		check := func(t *testing.T, q *wubu.Quiz) {
			t.Helper()
			if len(q.Questions) == 0 {
				t.Fatal("no questions")
			}
			body, _ := json.Marshal(q)
			for i := 1; i <= 12; i++ {
				if phone := fmt.Sprintf("1380013%04d", i); bytes.Contains(body, []byte(phone)) {
					t.Errorf("the quiz shows the full phone %s", phone)
				}
			}
			if bytes.Contains(body, []byte(trainingIDNumber)) || bytes.Contains(body, []byte("1949")) {
				t.Error("the quiz shows an ID number")
			}
			if bytes.Contains(body, []byte(`"answer"`)) {
				t.Error("the quiz sends its answers")
			}
			kinds := map[wubu.QuizSubject]bool{}
			for _, x := range q.Questions {
				kinds[x.Kind] = true
				if x.Subject != "" && !w.inBuilding(w.b5.ID, x.Subject) && !strings.HasPrefix(x.Subject, "粤B") {
					t.Errorf("question %q about %q: not building 5", x.Prompt, x.Subject)
				}
				if len(x.Options) < 2 {
					t.Errorf("question %q has %d options", x.Prompt, len(x.Options))
				}
				for _, o := range x.Options {
					if !w.inBuilding(w.b5.ID, o) {
						t.Errorf("question %q: option %q is not of building 5", x.Prompt, o)
					}
				}
			}
			if len(kinds) < 2 {
				t.Errorf("only kinds %v", kinds)
			}
		}
		t.Run("GuardOfBuilding5", func(t *testing.T) {
			q := ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.guardCtx, wubu.QuizRequest{ProjectID: w.f.ProjectA.ID, BuildingID: &w.b5.ID, Count: 20}))
			check(t, q)
			if q.Total != len(q.Questions) || q.Total < 10 {
				t.Errorf("got %d questions (total %d), want 10 to 20", len(q.Questions), q.Total)
			}
			if ph, err := w.training.QuizPhoto(w.guardCtx, q.ID, slices.IndexFunc(q.Questions, func(x *wubu.Question) bool { return x.Photo })+1); err != nil || len(ph.Data) == 0 {
				t.Errorf("photo of the quiz: %v", err)
			}
		})
		t.Run("SecurityLeaderOfBuilding5", func(t *testing.T) {
			if err := sqlstore.NewUserService(db).Assign(w.f.Ctx(w.f.Admin), &wubu.Assignment{ProjectID: w.f.ProjectA.ID, BuildingID: w.b5.ID, UserID: w.leader.ID, Kind: wubu.AssignSecurityLeader}); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				check(t, ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.leaderCtx, wubu.QuizRequest{ProjectID: w.f.ProjectA.ID, Count: 10})))
			}
		})
		t.Run("OtherProject", func(t *testing.T) {
			outsider := w.f.User(t, "outsider", wubu.RoleStaff, wubu.PostSecurity, w.f.ProjectB)
			_, err := w.training.GenerateQuiz(w.f.Ctx(outsider), wubu.QuizRequest{ProjectID: w.f.ProjectA.ID})
			wantSecCode(t, err, wubu.ENOTFOUND)
			_, err = w.training.GenerateQuiz(w.f.Ctx(outsider), wubu.QuizRequest{ProjectID: w.f.ProjectB.ID, BuildingID: &w.b5.ID})
			wantSecCode(t, err, wubu.ENOTFOUND)
		})
		t.Run("CleanerSeesNoPlates", func(t *testing.T) {
			cleaner := w.f.User(t, "cleaner", wubu.RoleStaff, wubu.PostCleaning, w.f.ProjectA)
			// No housekeeping customer yet: nothing to ask a cleaner.
			_, err := w.training.GenerateQuiz(w.f.Ctx(cleaner), wubu.QuizRequest{ProjectID: w.f.ProjectA.ID})
			wantSecCode(t, err, wubu.ENOTFOUND)
		})
	})
}

// answersOf returns the right answers of a quiz (read back as its owner
// would after submitting: from the store's own copy).
func rightAnswers(t *testing.T, db *sqlstore.DB, q *wubu.Quiz) []int {
	t.Helper()
	var body string
	if err := db.SQL().QueryRow(`SELECT questions FROM training_quizzes WHERE id = ` + fmt.Sprint(q.ID)).Scan(&body); err != nil {
		t.Fatal(err)
	}
	var stored []struct {
		Answer int `json:"answer"`
	}
	if err := json.Unmarshal([]byte(body), &stored); err != nil {
		t.Fatal(err)
	}
	out := make([]int, len(stored))
	for i, s := range stored {
		out[i] = s.Answer
	}
	return out
}

// TestTrainingAssessment: the security post's assessment is issued to its
// staff with a clock; not taken by its due date it reaches the team
// leader's Today; a passing attempt stops the clock; a failed one waits
// for the retake delay.
func TestTrainingAssessment(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newTrainingWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		if err := w.training.SavePlan(w.leaderCtx, &wubu.AssessmentPlan{ProjectID: pid, Post: wubu.PostSecurity, Questions: 5, PassMark: 80, TimeLimitMin: 10, RetakeHours: 24, EveryMonths: 1, DueDays: 3}); err != nil {
			t.Fatal(err)
		}
		err := w.training.SavePlan(w.leaderCtx, &wubu.AssessmentPlan{ProjectID: pid, Post: wubu.PostSecurity, Questions: 2, PassMark: 80, TimeLimitMin: 10, EveryMonths: 1, DueDays: 3})
		wantSecCode(t, err, wubu.EINVALID)
		_, err = w.training.IssueAssessments(w.guardCtx, pid, wubu.PostSecurity)
		wantSecCode(t, err, wubu.EFORBIDDEN)
		n := ok[int](t)(w.training.IssueAssessments(w.leaderCtx, pid, wubu.PostSecurity))
		if n != 3 { // guard, leader, lead
			t.Fatalf("issued %d, want 3", n)
		}
		if n := ok[int](t)(w.training.IssueAssessments(w.leaderCtx, pid, wubu.PostSecurity)); n != 0 {
			t.Fatalf("issued again %d, want 0 while open", n)
		}
		mine := ok[[]*wubu.Sitting](t)(w.training.FindSittings(w.guardCtx, pid, 0))
		if len(mine) != 1 || mine[0].UserID != w.guard.ID || mine[0].State != wubu.SittingDue {
			t.Fatalf("guard's assessments: %+v", mine)
		}
		sit := mine[0]
		if d := deadlineOf(t, w.clocks, w.f.Ctx(w.f.Admin), pid, "assessment", sit.ID, "take"); d == nil || d.State != wubu.DeadlineArmed || !d.DueAt.Equal(sit.DueAt) {
			t.Fatalf("clock of the assessment: %+v", d)
		}
		agenda := sqlstore.NewAgendaService(db, w.clocks, w.training.Agenda())

		t.Run("OverdueReachesTeamLeader", func(t *testing.T) {
			items := ok[[]wubu.AgendaItem](t)(agenda.Agenda(w.leaderCtx))
			if slices.ContainsFunc(items, func(it wubu.AgendaItem) bool { return it.Title == "Assessment overdue: %s" }) {
				t.Fatal("overdue before the due date")
			}
			clock.Add(4 * 24 * time.Hour)
			items = ok[[]wubu.AgendaItem](t)(agenda.Agenda(w.leaderCtx))
			i := slices.IndexFunc(items, func(it wubu.AgendaItem) bool {
				return it.ObjectType == "assessment" && it.ObjectID == fmt.Sprint(sit.ID) && it.Overdue && it.Urgency == wubu.UrgencyCritical
			})
			if i < 0 {
				t.Fatalf("the team leader's Today lacks the guard's overdue assessment: %+v", items)
			}
			if items[i].TitleArgs[0] != w.guard.Name {
				t.Errorf("got %v, want the guard's name", items[i].TitleArgs)
			}
			// A cleaning team leader does not lead guards.
			cl := w.f.User(t, "cleanlead", wubu.RoleTeamLeader, wubu.PostCleaning, w.f.ProjectA)
			items = ok[[]wubu.AgendaItem](t)(agenda.Agenda(w.f.Ctx(cl)))
			if slices.ContainsFunc(items, func(it wubu.AgendaItem) bool { return it.Title == "Assessment overdue: %s" }) {
				t.Error("a cleaning team leader sees the guards' overdue assessments")
			}
			sc := ok[[]*wubu.ScoreRow](t)(w.training.Scores(w.mgr, pid))
			if sc[0].Scope != "project" || sc[0].Sittings != 3 || sc[0].ShareOverdue != 1 {
				t.Errorf("project scores: %+v", sc[0])
			}
		})
		t.Run("FailThenRetakeThenPass", func(t *testing.T) {
			q := ok[*wubu.Quiz](t)(w.training.StartAssessment(w.guardCtx, sit.ID))
			if q.Total != 5 || q.EndsAt == nil {
				t.Fatalf("attempt: %d questions, ends %v", q.Total, q.EndsAt)
			}
			_, err := w.training.StartAssessment(w.leaderCtx, sit.ID)
			wantSecCode(t, err, wubu.ENOTFOUND)
			q = ok[*wubu.Quiz](t)(w.training.SubmitQuiz(w.guardCtx, q.ID, nil))
			if q.Passed || q.Score != 0 {
				t.Fatalf("empty attempt: %+v", q)
			}
			_, err = w.training.SubmitQuiz(w.guardCtx, q.ID, nil)
			wantSecCode(t, err, wubu.ECONFLICT)
			_, err = w.training.StartAssessment(w.guardCtx, sit.ID)
			wantSecCode(t, err, wubu.ECONFLICT)
			clock.Add(25 * time.Hour)
			q = ok[*wubu.Quiz](t)(w.training.StartAssessment(w.guardCtx, sit.ID))
			q = ok[*wubu.Quiz](t)(w.training.SubmitQuiz(w.guardCtx, q.ID, rightAnswers(t, db, q)))
			if !q.Passed || q.Score != 100 {
				t.Fatalf("right answers: %+v", q)
			}
			mine := ok[[]*wubu.Sitting](t)(w.training.FindSittings(w.guardCtx, pid, 0))
			if mine[0].State != wubu.SittingPassed || mine[0].Attempts != 2 || mine[0].BestScore != 100 {
				t.Fatalf("after passing: %+v", mine[0])
			}
			if d := deadlineOf(t, w.clocks, w.f.Ctx(w.f.Admin), pid, "assessment", sit.ID, "take"); d == nil || d.State == wubu.DeadlineArmed {
				t.Fatalf("clock after the first attempt: %+v", d)
			}
			sc := ok[[]*wubu.ScoreRow](t)(w.training.Scores(w.mgr, pid))
			i := slices.IndexFunc(sc, func(r *wubu.ScoreRow) bool { return r.Scope == "person" && r.UserID == w.guard.ID })
			if i < 0 || sc[i].AvgScore != 100 || sc[i].SharePassed != 1 {
				t.Errorf("guard's scores: %+v", sc)
			}
		})
		t.Run("LateAttemptFails", func(t *testing.T) {
			leaders := ok[[]*wubu.Sitting](t)(w.training.FindSittings(w.leaderCtx, pid, w.leader.ID))
			q := ok[*wubu.Quiz](t)(w.training.StartAssessment(w.leaderCtx, leaders[0].ID))
			clock.Add(12 * time.Minute) // the limit is 10 minutes
			q = ok[*wubu.Quiz](t)(w.training.SubmitQuiz(w.leaderCtx, q.ID, rightAnswers(t, db, q)))
			if q.Passed || q.Score != 100 {
				t.Fatalf("late attempt: %+v", q)
			}
			if got := ok[[]*wubu.Sitting](t)(w.training.FindSittings(w.leaderCtx, pid, w.leader.ID)); got[0].State != wubu.SittingFailed {
				t.Fatalf("after a late attempt: %s", got[0].State)
			}
		})
	})
}

// TestTrainingOnboarding: a new hire is cleared only once the post's lead
// and then the training lead have signed off, two different people,
// neither the trainer; until then the hire is on the leaders' Today.
func TestTrainingOnboarding(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newTrainingWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		hire := w.f.User(t, "hire", wubu.RoleStaff, wubu.PostSecurity, w.f.ProjectA)
		_, missing, err := w.training.FindLeads(w.mgr, pid)
		if err != nil || len(missing) != len(wubu.LeadKinds) {
			t.Fatalf("missing leads %v, %v", missing, err)
		}
		wantSecCode(t, w.training.SetLead(w.mgr, pid, wubu.PostLead(wubu.PostSecurity), w.guard.ID), wubu.EINVALID)
		if err := w.training.SetLead(w.mgr, pid, wubu.PostLead(wubu.PostSecurity), w.lead.ID); err != nil {
			t.Fatal(err)
		}
		o := ok[*wubu.Onboarding](t)(w.training.StartOnboarding(w.leaderCtx, pid, hire.ID))
		if o.State != wubu.OnboardingOpen || o.SittingID == nil {
			t.Fatalf("opened: %+v", o)
		}
		_, err = w.training.StartOnboarding(w.leaderCtx, pid, hire.ID)
		wantSecCode(t, err, wubu.ECONFLICT)
		agenda := sqlstore.NewAgendaService(db, w.clocks, w.training.Agenda())
		flagged := func() bool {
			items := ok[[]wubu.AgendaItem](t)(agenda.Agenda(w.leaderCtx))
			return slices.ContainsFunc(items, func(it wubu.AgendaItem) bool { return it.ObjectType == "onboarding" && it.ObjectID == fmt.Sprint(o.ID) })
		}
		if !flagged() {
			t.Fatal("the new hire is not on the team leader's Today")
		}
		_, err = w.training.SignOnboarding(w.leadCtx, o.ID, "")
		wantSecCode(t, err, wubu.ECONFLICT) // not trained yet
		_, err = w.training.RecordTraining(w.leaderCtx, o.ID, "", "2026-11-20")
		wantSecCode(t, err, wubu.EINVALID)
		_, err = w.training.RecordTraining(w.guardCtx, o.ID, "岗位带岗", "2026-11-20")
		wantSecCode(t, err, wubu.EFORBIDDEN)
		day := clock.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
		o = ok[*wubu.Onboarding](t)(w.training.RecordTraining(w.leaderCtx, o.ID, "东门岗带岗：住户识别、车牌、放行条", day))
		if o.State != wubu.OnboardingTrained || o.TrainedBy == nil || *o.TrainedBy != w.leader.ID {
			t.Fatalf("trained: %+v", o)
		}
		t.Run("TrainerMayNotSign", func(t *testing.T) {
			_, err := w.training.SignOnboarding(w.leaderCtx, o.ID, "")
			wantSecCode(t, err, wubu.EFORBIDDEN)
		})
		t.Run("OnlyThePostLead", func(t *testing.T) {
			_, err := w.training.SignOnboarding(w.mgr, o.ID, "")
			wantSecCode(t, err, wubu.EFORBIDDEN)
		})
		o = ok[*wubu.Onboarding](t)(w.training.SignOnboarding(w.leadCtx, o.ID, "识别住户20人全部正确"))
		if o.State != wubu.OnboardingVerified || o.LeadBy == nil || *o.LeadBy != w.lead.ID {
			t.Fatalf("verified: %+v", o)
		}
		t.Run("NoTrainingLeadYet", func(t *testing.T) {
			_, err := w.training.SignOnboarding(w.mgr, o.ID, "")
			wantSecCode(t, err, wubu.ECONFLICT)
		})
		t.Run("SamePersonTwice", func(t *testing.T) {
			if err := w.training.SetLead(w.mgr, pid, wubu.LeadTraining, w.lead.ID); err != nil {
				t.Fatal(err)
			}
			_, err := w.training.SignOnboarding(w.leadCtx, o.ID, "")
			wantSecCode(t, err, wubu.EFORBIDDEN)
			if got := ok[*wubu.Onboarding](t)(w.training.FindOnboarding(w.mgr, o.ID)); got.State != wubu.OnboardingVerified || got.TrainingBy != nil {
				t.Fatalf("after the refusal: %+v", got)
			}
		})
		if !flagged() {
			t.Fatal("the hire left Today before both sign-offs")
		}
		if err := w.training.SetLead(w.mgr, pid, wubu.LeadTraining, w.manager.ID); err != nil {
			t.Fatal(err)
		}
		o = ok[*wubu.Onboarding](t)(w.training.SignOnboarding(w.mgr, o.ID, "合格"))
		if o.State != wubu.OnboardingCleared || o.TrainingBy == nil || *o.TrainingBy != w.manager.ID || *o.LeadBy == *o.TrainingBy {
			t.Fatalf("cleared: %+v", o)
		}
		if flagged() {
			t.Error("a cleared hire is still on Today")
		}
		// The first assessment is due within the project's days.
		sits := ok[[]*wubu.Sitting](t)(w.training.FindSittings(w.mgr, pid, hire.ID))
		if len(sits) != 1 || sits[0].DueAt.Sub(clock.Now()) > 14*24*time.Hour+time.Minute {
			t.Fatalf("first assessment: %+v", sits)
		}
	})
}

// TestTrainingSpacedRepetition: a question missed in the practice comes
// back in the next practice; answered right, it waits.
func TestTrainingSpacedRepetition(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newTrainingWorld(t, db, clock)
		req := wubu.QuizRequest{ProjectID: w.f.ProjectA.ID, Kind: wubu.QuizPractice}
		q := ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.guardCtx, req))
		right := rightAnswers(t, db, q)
		answers := slices.Clone(right)
		answers[0] = (right[0] + 1) % len(q.Questions[0].Options) // one miss
		q = ok[*wubu.Quiz](t)(w.training.SubmitQuiz(w.guardCtx, q.ID, answers))
		missed := q.Questions[0].Key
		if q.Questions[0].Correct || q.Correct != q.Total-1 {
			t.Fatalf("scored %d of %d", q.Correct, q.Total)
		}
		clock.Add(24 * time.Hour)
		next := ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.guardCtx, req))
		if next.Questions[0].Key != missed {
			t.Fatalf("the next practice starts with %s, want the missed %s", next.Questions[0].Key, missed)
		}
		if slices.ContainsFunc(next.Questions[1:], func(x *wubu.Question) bool { return x.Key == missed }) {
			t.Error("the missed question is asked twice")
		}
		ok[*wubu.Quiz](t)(w.training.SubmitQuiz(w.guardCtx, next.ID, rightAnswers(t, db, next)))
		clock.Add(24 * time.Hour)
		third := ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.guardCtx, req))
		if third.Questions[0].Key == missed {
			t.Error("a question answered right came back the next day")
		}
	})
}

// TestTrainingPoints: the contributions recorded earn the points of the
// project's table, ranked per post; the table changes them.
func TestTrainingPoints(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newTrainingWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		guard2 := w.f.User(t, "guard2", wubu.RoleStaff, wubu.PostSecurity, w.f.ProjectA)
		p := &wubu.Person{ProjectID: pid, Name: "新住户"}
		if err := w.residents.CreatePerson(w.mgr, p); err != nil {
			t.Fatal(err)
		}
		if err := w.residents.AddVehicle(w.guardCtx, &wubu.Vehicle{ProjectID: pid, PersonID: p.ID, Plate: "粤B99999"}); err != nil {
			t.Fatal(err)
		}
		if err := w.residents.SetPhoto(w.guardCtx, p.ID, "image/png", tinyPNG(t)); err != nil {
			t.Fatal(err)
		}
		if err := w.residents.AddVehicle(w.f.Ctx(guard2), &wubu.Vehicle{ProjectID: pid, PersonID: p.ID, Plate: "粤B99998"}); err != nil {
			t.Fatal(err)
		}
		month := clock.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")
		rows := ok[[]*wubu.PointsRow](t)(w.training.Points(w.guardCtx, pid, month))
		got := map[int64][2]int{}
		for _, r := range rows {
			got[r.UserID] = [2]int{r.Points, r.Rank}
		}
		if got[w.guard.ID] != [2]int{5, 1} || got[guard2.ID] != [2]int{2, 2} {
			t.Fatalf("points (points, rank): %v", got)
		}
		st := ok[*wubu.TrainingSettings](t)(w.training.FindTrainingSettings(w.mgr, pid))
		st.Points["plates"] = 10
		if err := w.training.SaveTrainingSettings(w.mgr, st); err != nil {
			t.Fatal(err)
		}
		st.Points["plates"] = -1
		wantSecCode(t, w.training.SaveTrainingSettings(w.mgr, st), wubu.EINVALID)
		m, all := 0, 0
		if m, all, err := w.training.UserPoints(w.guardCtx, pid, w.guard.ID, month); err != nil || m != 13 || all != 13 {
			t.Fatalf("guard's points: %d this month, %d in all, %v; want 13", m, all, err)
		}
		_, _ = m, all
		next := clock.Now().AddDate(0, 1, 0).In(time.FixedZone("CST", 8*3600)).Format("2006-01")
		if rows := ok[[]*wubu.PointsRow](t)(w.training.Points(w.guardCtx, pid, next)); len(rows) != 0 {
			t.Errorf("next month: %+v", rows)
		}
	})
}

// TestTrainingNewResidents: the week's round asks of the residents whose
// move-in was recorded in Wubu; an import creates none.
func TestTrainingNewResidents(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newTrainingWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		req := wubu.QuizRequest{ProjectID: pid, Kind: wubu.QuizNewResidents}
		// The world's residents moved in a month ago, as far as the round
		// is concerned.
		clock.Add(30 * 24 * time.Hour)
		_, err := w.training.GenerateQuiz(w.guardCtx, req)
		wantSecCode(t, err, wubu.ENOTFOUND)

		// An import of a resident into building 6.
		ctx := context.Background()
		b, err := db.BeginBulk(ctx)
		if err != nil {
			t.Fatal(err)
		}
		org := sqlstore.NewOrgService(db)
		label := w.rooms[w.b6.ID][0]
		rooms, _, err := org.FindRooms(w.f.Ctx(w.f.Admin), wubu.RoomFilter{ProjectID: pid, Label: &label})
		if err != nil || len(rooms) != 1 {
			t.Fatal(rooms, err)
		}
		imported := &wubu.Person{ProjectID: pid, Name: "导入住户"}
		if err := b.Person(ctx, imported); err != nil {
			t.Fatal(err)
		}
		if err := b.Household(ctx, &wubu.Household{ProjectID: pid, RoomID: rooms[0].ID, PersonID: imported.ID, Relation: wubu.RelationTenant}); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = w.training.GenerateQuiz(w.guardCtx, req)
		wantSecCode(t, err, wubu.ENOTFOUND)

		// A move-in recorded in Wubu.
		mover := &wubu.Person{ProjectID: pid, Name: "新搬来"}
		if err := w.residents.CreatePersonInRoom(w.mgr, mover, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationTenant}); err != nil {
			t.Fatal(err)
		}
		q := ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.guardCtx, req))
		for _, x := range q.Questions {
			if x.Subject != mover.Name && x.Subject != label && !(x.Photo && slices.Contains(x.Options, mover.Name)) {
				t.Errorf("question %q about %q: not the new resident", x.Prompt, x.Subject)
			}
			if x.Subject == label && x.Options[x.Answer] != mover.Name && x.Options[x.Answer] != w.names[w.b6.ID][0] {
				t.Errorf("room question answered %q", x.Options[x.Answer])
			}
		}
	})
}

// TestTrainingPosts: each post learns its own (C1, M1, K2, S6): a cleaner
// the needs of the housekeeping customers, a technician the appliances
// where the project keeps them, customer service the special days, and
// every post the leaders' questions on the knowledge base, linked to
// their article.
func TestTrainingPosts(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newTrainingWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		admin := w.f.Ctx(w.f.Admin)
		b5 := &w.b5.ID
		kindsOf := func(q *wubu.Quiz) map[wubu.QuizSubject]int {
			out := map[wubu.QuizSubject]int{}
			for _, x := range q.Questions {
				out[x.Kind]++
			}
			return out
		}
		t.Run("CleanerNeeds", func(t *testing.T) {
			hk := sqlstore.NewHousekeepingService(db)
			for i, need := range []string{"每周擦窗", "家里有猫，不用消毒水", "周末上午不打扰"} {
				if _, err := hk.AddNeed(admin, w.personIDs[w.b5.ID][i], need); err != nil {
					t.Fatal(err)
				}
			}
			cleaner := w.f.User(t, "cleaner", wubu.RoleStaff, wubu.PostCleaning, w.f.ProjectA)
			q := ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.f.Ctx(cleaner), wubu.QuizRequest{ProjectID: pid, BuildingID: b5, Count: 3}))
			if k := kindsOf(q); k[wubu.QuestionHKNeed] != 3 || len(k) != 1 {
				t.Fatalf("cleaner's kinds %v, want 3 needs", k)
			}
			for _, x := range q.Questions {
				if len(x.Options) != 3 {
					t.Errorf("need question with options %v", x.Options)
				}
			}
		})
		t.Run("TechnicianAppliances", func(t *testing.T) {
			for i, a := range [][2]string{{"空调", "格力"}, {"热水器", "A.O.史密斯"}, {"冰箱", "海尔"}} {
				if err := w.residents.AddAppliance(admin, &wubu.Appliance{ProjectID: pid, RoomID: w.roomIDs[w.b5.ID][i], Type: a[0], Brand: a[1]}); err != nil {
					t.Fatal(err)
				}
			}
			tech := w.f.User(t, "tech", wubu.RoleStaff, wubu.PostMaintenance, w.f.ProjectA)
			for range 5 {
				q := ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.f.Ctx(tech), wubu.QuizRequest{ProjectID: pid, BuildingID: b5, Count: 10}))
				if kindsOf(q)[wubu.QuestionAppliance] > 0 {
					t.Fatal("appliances asked in a project that keeps no inventory")
				}
			}
			st := ok[*wubu.TrainingSettings](t)(w.training.FindTrainingSettings(w.mgr, pid))
			st.ApplianceInventory = true
			if err := w.training.SaveTrainingSettings(w.mgr, st); err != nil {
				t.Fatal(err)
			}
			seen := 0
			for range 5 {
				q := ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.f.Ctx(tech), wubu.QuizRequest{ProjectID: pid, BuildingID: b5, Count: 10}))
				seen += kindsOf(q)[wubu.QuestionAppliance]
			}
			if seen == 0 {
				t.Error("no appliance question in five quizzes of a project keeping them")
			}
		})
		t.Run("ServiceSpecialDays", func(t *testing.T) {
			for i, md := range []string{"2026-03-15", "2026-07-01", "2026-10-20"} {
				if err := w.residents.AddSpecialDay(admin, &wubu.SpecialDay{ProjectID: pid, PersonID: w.personIDs[w.b5.ID][i], Kind: wubu.DayBirthday, Date: wubu.Date(md), Yearly: true}); err != nil {
					t.Fatal(err)
				}
			}
			assistant := w.f.User(t, "assistant", wubu.RoleStaff, wubu.PostService, w.f.ProjectA)
			seen := 0
			for range 5 {
				q := ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.f.Ctx(assistant), wubu.QuizRequest{ProjectID: pid, BuildingID: b5, Count: 12}))
				for _, x := range q.Questions {
					if x.Kind == wubu.QuestionSpecialDay {
						seen++
						if x.Detail != "day:birthday" || !slices.Contains([]string{"3月15日", "7月1日", "10月20日"}, x.Options[x.Answer]) {
							t.Errorf("special day question %+v", x)
						}
					}
				}
			}
			if seen == 0 {
				t.Error("no special day question for customer service")
			}
			// A guard's card shows no special days: never asked of one.
			for range 3 {
				q := ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.guardCtx, wubu.QuizRequest{ProjectID: pid, BuildingID: b5, Count: 12}))
				if kindsOf(q)[wubu.QuestionSpecialDay] > 0 {
					t.Fatal("a guard was asked a special day")
				}
			}
		})
		t.Run("BankOnTheKnowledgeBase", func(t *testing.T) {
			kb := &wubu.KBEntry{ProjectID: pid, Category: "emergency", Title: "火警处置预案", Body: "发现火情立即拨打119，并报告值班经理。"}
			if err := sqlstore.NewKnowledgeService(db).SaveKBEntry(w.leaderCtx, kb); err != nil {
				t.Fatal(err)
			}
			bad := &wubu.BankQuestion{ProjectID: pid, Text: "火警电话？", Options: []string{"119"}}
			wantSecCode(t, w.training.CreateBankQuestion(w.leaderCtx, bad), wubu.EINVALID)
			wantSecCode(t, w.training.CreateBankQuestion(w.guardCtx, &wubu.BankQuestion{ProjectID: pid, Text: "x", Options: []string{"a", "b"}}), wubu.EFORBIDDEN)
			q := &wubu.BankQuestion{ProjectID: pid, Post: wubu.PostSecurity, ArticleID: &kb.ID, Text: "发现火情首先拨打哪个电话？", Options: []string{"119", "110", "120"}}
			if err := w.training.CreateBankQuestion(w.leaderCtx, q); err != nil {
				t.Fatal(err)
			}
			quiz := ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.guardCtx, wubu.QuizRequest{ProjectID: pid, BuildingID: b5, Count: 8}))
			i := slices.IndexFunc(quiz.Questions, func(x *wubu.Question) bool { return x.Kind == wubu.QuestionBank })
			if i < 0 {
				t.Fatal("the leaders' question is not in the quiz")
			}
			if x := quiz.Questions[i]; x.Prompt != q.Text || x.ArticleID == nil || *x.ArticleID != kb.ID || x.Options[x.Answer] != "119" {
				t.Errorf("bank question %+v", x)
			}
			// Another post's question is not asked of a guard; customer service gets none of it.
			assistant := w.f.User(t, "assistant2", wubu.RoleStaff, wubu.PostService, w.f.ProjectA)
			quiz = ok[*wubu.Quiz](t)(w.training.GenerateQuiz(w.f.Ctx(assistant), wubu.QuizRequest{ProjectID: pid, BuildingID: b5, Count: 8}))
			if slices.ContainsFunc(quiz.Questions, func(x *wubu.Question) bool { return x.Kind == wubu.QuestionBank }) {
				t.Error("the security post's question was asked of customer service")
			}
		})
	})
}

// TestTrainingMonthlyIssue: a post's plan issues its assessments when its
// time comes, then a month later, each once.
func TestTrainingMonthlyIssue(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newTrainingWorld(t, db, clock)
		pid := w.f.ProjectA.ID
		system := wubu.NewContextWithUser(context.Background(), &wubu.User{Login: "system:training", Role: wubu.RoleAdmin, Post: wubu.PostNone})
		plan := wubu.DefaultAssessmentPlan(pid, wubu.PostSecurity)
		if err := w.training.SavePlan(w.leaderCtx, plan); err != nil {
			t.Fatal(err)
		}
		if n := ok[int](t)(w.training.IssueDue(system)); n != 0 {
			t.Fatalf("issued %d before the plan's time", n)
		}
		clock.Add(25 * time.Hour)
		if n := ok[int](t)(w.training.IssueDue(system)); n != 3 {
			t.Fatalf("issued %d, want 3", n)
		}
		if n := ok[int](t)(w.training.IssueDue(system)); n != 0 {
			t.Fatalf("issued again %d", n)
		}
		got := ok[*wubu.AssessmentPlan](t)(w.training.FindPlan(w.leaderCtx, pid, wubu.PostSecurity))
		if got.NextIssue == nil || got.NextIssue.Sub(clock.Now()) < 27*24*time.Hour {
			t.Errorf("next issue %v", got.NextIssue)
		}
		sits := ok[[]*wubu.Sitting](t)(w.training.FindSittings(w.mgr, pid, 0))
		if len(sits) != 3 || sits[0].Questions != 20 || sits[0].PassMark != 80 {
			t.Errorf("issued %+v", sits)
		}
	})
}
