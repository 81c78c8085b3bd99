package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// Taking quizzes: generating one for its scope, answering it, the spaced
// repetition of what was missed (a Leitner box per question: a miss
// brings the question back in the next practice, each right answer
// doubles the wait), and the photo of a question.

// practiceSize is the daily practice's length: five minutes on the phone.
const practiceSize = 5

// newResidentsDays is how far back the new residents' round looks.
const newResidentsDays = 7

// storedQuestion is a question as a quiz keeps it, with its answer.
type storedQuestion struct {
	*wubu.Question
	Right int `json:"answer"`
}

// GenerateQuiz generates a quiz for the caller; see wubu.TrainingService.
func (s *TrainingService) GenerateQuiz(ctx context.Context, req wubu.QuizRequest) (*wubu.Quiz, error) {
	if req.Kind == "" {
		req.Kind = wubu.QuizFree
	}
	if !slices.Contains([]wubu.QuizKind{wubu.QuizFree, wubu.QuizPractice, wubu.QuizNewResidents}, req.Kind) {
		return nil, wubu.FieldErrorf("kind", wubu.EINVALID, "Quiz kind %q is not valid.", string(req.Kind))
	}
	if req.Count == 0 {
		req.Count = practiceSize
	}
	if req.Count < 1 || req.Count > 50 {
		return nil, wubu.FieldErrorf("count", wubu.EINVALID, "A quiz has 1 to %d questions.", 50)
	}
	return s.generate(ctx, req, nil, nil)
}

// scope returns the buildings a quiz draws from: the one asked for, else
// the caller's own buildings (a one-to-one leader's, a zone assistant's),
// else every building of the project.
func (s *TrainingService) scope(ctx context.Context, u *wubu.User, req wubu.QuizRequest) ([]int64, error) {
	if req.BuildingID != nil {
		var n int
		if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM buildings WHERE project_id = ? AND id = ?`, req.ProjectID, *req.BuildingID).Scan(&n); err != nil {
			return nil, err
		} else if n == 0 {
			return nil, wubu.FieldErrorf("building_id", wubu.ENOTFOUND, "Building not found.")
		}
		return []int64{*req.BuildingID}, nil
	}
	ids := func(q string, args ...any) ([]int64, error) {
		rows, err := s.db.query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			out = append(out, id)
		}
		return out, rows.Err()
	}
	own, err := ids(`SELECT building_id FROM building_assignments WHERE project_id = ? AND user_id = ? ORDER BY building_id`, req.ProjectID, u.ID)
	if err != nil || len(own) > 0 {
		return own, err
	}
	return ids(`SELECT id FROM buildings WHERE project_id = ? ORDER BY id`, req.ProjectID)
}

// kindsFor returns the generated kinds the user's post learns and their
// card shows; a technician learns appliances only where the project keeps
// them.
func kindsFor(u *wubu.User, st *wubu.TrainingSettings) []wubu.QuizSubject {
	var out []wubu.QuizSubject
	for _, k := range wubu.QuizSubjectsOf(u.Post) {
		if k == wubu.QuestionAppliance && !st.ApplianceInventory {
			continue
		}
		if !slices.ContainsFunc(k.CardPartsOf(), func(p wubu.CardPart) bool { return !u.Sees(p) }) {
			out = append(out, k)
		}
	}
	return out
}

// generate makes and keeps a quiz: for an assessment attempt (sitting,
// ends) or of the request's kind.
func (s *TrainingService) generate(ctx context.Context, req wubu.QuizRequest, sitting *int64, ends *time.Time) (*wubu.Quiz, error) {
	u, err := wubu.Authorize(ctx, wubu.PermResidentView, req.ProjectID)
	if err != nil {
		return nil, err
	}
	buildings, err := s.scope(ctx, u, req)
	if err != nil {
		return nil, err
	}
	st, err := trainingSettings(ctx, s.db.reader(), s.db, req.ProjectID)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	g := &generator{db: s.db, projectID: req.ProjectID, kinds: kindsFor(u, st), pools: map[int64]*pool{}, used: map[string]bool{},
		rng: rand.New(rand.NewPCG(uint64(now.UnixNano()), uint64(u.ID)))}
	var qs []*wubu.Question
	n := req.Count
	// The leaders' questions on the knowledge base: a quarter of a quiz.
	if req.Kind == wubu.QuizFree || req.Kind == wubu.QuizAssessment {
		bank, err := bankQuestions(ctx, s.db, req.ProjectID, u.Post)
		if err != nil {
			return nil, err
		}
		for _, i := range g.rng.Perm(len(bank))[:min(len(bank), n/4)] {
			qs = append(qs, g.bankQuestion(bank[i]))
		}
	}
	switch req.Kind {
	case wubu.QuizPractice:
		// What was missed first, then new questions.
		again, err := s.reviewsDue(ctx, g, u.ID, buildings, now, n)
		if err != nil {
			return nil, err
		}
		qs = append(qs, again...)
	case wubu.QuizNewResidents:
		newcomers, err := s.newResidents(ctx, req.ProjectID, buildings, now)
		if err != nil {
			return nil, err
		}
		if len(newcomers) == 0 {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Nobody has moved in this week.")
		}
		g.kinds = slices.DeleteFunc(slices.Clone(g.kinds), func(k wubu.QuizSubject) bool {
			return k != wubu.QuestionNameRoom && k != wubu.QuestionPhotoName && k != wubu.QuestionRoomMember
		})
		var bs []int64
		for b := range newcomers {
			bs = append(bs, b)
		}
		slices.Sort(bs)
		for _, b := range bs {
			more, err := g.fresh(ctx, []int64{b}, n-len(qs), newcomers[b])
			if err != nil {
				return nil, err
			}
			qs = append(qs, more...)
		}
	}
	if req.Kind != wubu.QuizNewResidents && len(qs) < n && len(g.kinds) > 0 {
		more, err := g.fresh(ctx, buildings, n-len(qs), nil)
		if err != nil {
			return nil, err
		}
		qs = append(qs, more...)
	}
	if len(qs) == 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "There is not enough information on the residents here to make a quiz yet.")
	}
	q := &wubu.Quiz{ProjectID: req.ProjectID, UserID: u.ID, Kind: req.Kind, BuildingID: req.BuildingID, SittingID: sitting, StartedAt: now, EndsAt: ends,
		Total: len(qs), Questions: qs}
	for i, x := range q.Questions {
		x.Position = i + 1
	}
	body, err := storeQuestions(q.Questions)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if q.ID, err = tx.insert(ctx, `INSERT INTO training_quizzes (project_id, user_id, kind, building_id, sitting_id, started_at, ends_at, total, questions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		q.ProjectID, q.UserID, q.Kind, q.BuildingID, q.SittingID, q.StartedAt, q.EndsAt, q.Total, body); err != nil {
		return nil, err
	}
	return q, tx.Commit()
}

func storeQuestions(qs []*wubu.Question) (string, error) {
	stored := make([]storedQuestion, len(qs))
	for i, q := range qs {
		stored[i] = storedQuestion{Question: q, Right: q.Answer}
	}
	b, err := json.Marshal(stored)
	return string(b), err
}

// bankQuestion asks a leader's question, its answers shuffled.
func (g *generator) bankQuestion(b *wubu.BankQuestion) *wubu.Question {
	opts := slices.Clone(b.Options)
	g.rng.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	return &wubu.Question{Kind: wubu.QuestionBank, Key: "bank:" + strconv.FormatInt(b.ID, 10), Prompt: b.Text, Options: opts,
		Answer: slices.Index(opts, b.Options[0]), Chosen: -1, ArticleID: b.ArticleID}
}

// reviewsDue asks again the questions the user is due to repeat, in the
// quiz's buildings, with new wrong answers.
func (s *TrainingService) reviewsDue(ctx context.Context, g *generator, userID int64, buildings []int64, now time.Time, n int) ([]*wubu.Question, error) {
	rows, err := s.db.query(ctx, `SELECT qkey FROM training_reviews WHERE project_id = ? AND user_id = ? AND due_at <= ? ORDER BY due_at, qkey LIMIT ?`,
		g.projectID, userID, now, n*2)
	if err != nil {
		return nil, err
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, err
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []*wubu.Question
	for _, key := range keys {
		if len(out) >= n {
			break
		}
		q, err := s.again(ctx, g, key, buildings)
		if err != nil {
			return nil, err
		}
		if q != nil && !g.used[q.Key] {
			g.used[q.Key] = true
			out = append(out, q)
		}
	}
	return out, nil
}

// subjectBuilding finds the building of a question's subject by its key.
var subjectBuilding = map[wubu.QuizSubject]string{
	wubu.QuestionNameRoom:   `SELECT r.building_id, r.floor FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = ? AND h.person_id = ? AND h.move_out = '' ORDER BY h.id LIMIT 1`,
	wubu.QuestionRoomMember: `SELECT building_id, floor FROM rooms WHERE project_id = ? AND id = ?`,
	wubu.QuestionPlateOwner: `SELECT r.building_id, r.floor FROM vehicles v JOIN households h ON h.project_id = v.project_id AND h.person_id = v.person_id
		JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE v.project_id = ? AND v.id = ? AND h.move_out = '' ORDER BY h.id LIMIT 1`,
	wubu.QuestionSpecialDay: `SELECT r.building_id, r.floor FROM special_days d JOIN households h ON h.project_id = d.project_id AND h.person_id = d.person_id
		JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE d.project_id = ? AND d.id = ? AND h.move_out = '' ORDER BY h.id LIMIT 1`,
	wubu.QuestionHKNeed: `SELECT r.building_id, r.floor FROM person_needs n JOIN households h ON h.project_id = n.project_id AND h.person_id = n.person_id
		JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE n.project_id = ? AND n.id = ? AND h.move_out = '' ORDER BY h.id LIMIT 1`,
	wubu.QuestionAppliance: `SELECT r.building_id, r.floor FROM appliances a JOIN rooms r ON r.project_id = a.project_id AND r.id = a.room_id WHERE a.project_id = ? AND a.id = ?`,
}

// again makes the question of a key afresh, nil when it can no longer be
// asked (the record is gone, out of the scope, or not for the user's card).
func (s *TrainingService) again(ctx context.Context, g *generator, key string, buildings []int64) (*wubu.Question, error) {
	k, idText, _ := strings.Cut(key, ":")
	kind := wubu.QuizSubject(k)
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return nil, nil
	}
	if kind == wubu.QuestionBank {
		bank, err := bankQuestions(ctx, s.db, g.projectID, "")
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(bank, func(b *wubu.BankQuestion) bool { return b.ID == id }); i >= 0 {
			return g.bankQuestion(bank[i]), nil
		}
		return nil, nil
	}
	if !slices.Contains(g.kinds, kind) {
		return nil, nil
	}
	q := subjectBuilding[kind]
	switch kind {
	case wubu.QuestionPhotoName, wubu.QuestionHKRoom:
		q = subjectBuilding[wubu.QuestionNameRoom]
	}
	var b int64
	var floor int
	if err := s.db.queryRow(ctx, q, g.projectID, id).Scan(&b, &floor); errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !slices.Contains(buildings, b) {
		return nil, nil
	}
	p, err := g.loadPool(ctx, b, floor)
	if err != nil {
		return nil, err
	}
	return g.question(p, kind, id), nil
}

// newResidents returns, by building of the scope, the persons whose move-in
// was recorded in Wubu in the last week (never those of an import).
func (s *TrainingService) newResidents(ctx context.Context, projectID int64, buildings []int64, now time.Time) (map[int64]map[int64]bool, error) {
	rows, err := s.db.query(ctx, `SELECT r.building_id, h.person_id FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE h.project_id = ? AND h.origin = 'wubu' AND h.created_at >= ? AND h.move_out = ''`, projectID, now.AddDate(0, 0, -newResidentsDays))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]map[int64]bool{}
	for rows.Next() {
		var b, p int64
		if err := rows.Scan(&b, &p); err != nil {
			return nil, err
		}
		if !slices.Contains(buildings, b) {
			continue
		}
		if out[b] == nil {
			out[b] = map[int64]bool{}
		}
		out[b][p] = true
	}
	return out, rows.Err()
}

// loadQuiz reads a quiz of the caller's (another's answers ENOTFOUND).
func loadQuiz(ctx context.Context, q rowQuerier, db *DB, id int64) (*wubu.Quiz, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	z := &wubu.Quiz{}
	var body string
	var passed int
	err := q.QueryRowContext(ctx, db.rebind(`SELECT id, project_id, user_id, kind, building_id, sitting_id, started_at, ends_at, submitted_at, correct, total, score, passed, questions
		FROM training_quizzes WHERE id = ?`), id).Scan(&z.ID, &z.ProjectID, &z.UserID, &z.Kind, &z.BuildingID, &z.SittingID, &z.StartedAt, &z.EndsAt, &z.SubmittedAt,
		&z.Correct, &z.Total, &z.Score, &passed, &body)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (z.UserID != u.ID || !u.Serves(z.ProjectID)) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Quiz not found.")
	} else if err != nil {
		return nil, err
	}
	z.Passed = passed != 0
	var stored []storedQuestion
	if err := json.Unmarshal([]byte(body), &stored); err != nil {
		return nil, err
	}
	for _, sq := range stored {
		sq.Answer = sq.Right
		if z.SubmittedAt != nil {
			sq.Question.Right = sq.Options[sq.Right]
		}
		z.Questions = append(z.Questions, sq.Question)
	}
	return z, nil
}

// FindQuiz returns one of the caller's quizzes.
func (s *TrainingService) FindQuiz(ctx context.Context, id int64) (*wubu.Quiz, error) {
	return loadQuiz(ctx, s.db.reader(), s.db, id)
}

// SubmitQuiz scores a quiz, updates the spaced repetition and, for an
// attempt, takes the assessment's step, in one transaction.
func (s *TrainingService) SubmitQuiz(ctx context.Context, id int64, answers []int) (*wubu.Quiz, error) {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	q, err := loadQuiz(ctx, tx, s.db, id)
	if err != nil {
		return nil, err
	}
	if q.SubmittedAt != nil {
		return nil, wubu.Errorf(wubu.ECONFLICT, "This quiz was already submitted.")
	}
	if len(answers) > len(q.Questions) {
		return nil, wubu.FieldErrorf("answers", wubu.EINVALID, "There are only %d questions.", len(q.Questions))
	}
	q.Correct = 0
	for i, x := range q.Questions {
		x.Chosen = -1
		if i < len(answers) && answers[i] >= 0 && answers[i] < len(x.Options) {
			x.Chosen = answers[i]
		}
		x.Correct = x.Chosen == x.Answer
		x.Right = x.Options[x.Answer]
		if x.Correct {
			q.Correct++
		}
		if err := review(ctx, tx, q.ProjectID, q.UserID, x.Key, x.Correct); err != nil {
			return nil, err
		}
	}
	q.Score = q.Correct * 100 / max(1, q.Total)
	at := tx.now
	q.SubmittedAt = &at
	if q.SittingID != nil {
		if err := s.recordAttempt(ctx, tx, q); err != nil {
			return nil, err
		}
	} else {
		q.Passed = q.Score >= 60
	}
	body, err := storeQuestions(q.Questions)
	if err != nil {
		return nil, err
	}
	// Submitted once: a second submission racing this one finds it taken.
	res, err := tx.exec(ctx, `UPDATE training_quizzes SET submitted_at = ?, correct = ?, score = ?, passed = ?, questions = ? WHERE project_id = ? AND id = ? AND submitted_at IS NULL`,
		q.SubmittedAt, q.Correct, q.Score, boolInt(q.Passed), body, q.ProjectID, q.ID)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n != 1 {
		return nil, wubu.Errorf(wubu.ECONFLICT, "This quiz was already submitted.")
	}
	tx.markDay(q.ProjectID, "training.score", dayOf(tx.now))
	return q, s.run.commit(ctx, tx)
}

// review moves a question's Leitner box: a miss puts it back in the first
// box, due at once; a right answer to a question being repeated doubles
// its wait, and it leaves the boxes after the fifth.
func review(ctx context.Context, tx *Tx, projectID, userID int64, key string, correct bool) error {
	if !correct {
		_, err := tx.exec(ctx, `INSERT INTO training_reviews (project_id, user_id, qkey, box, due_at, misses, updated_at) VALUES (?, ?, ?, 0, ?, 1, ?)
			ON CONFLICT (project_id, user_id, qkey) DO UPDATE SET box = 0, due_at = excluded.due_at, misses = training_reviews.misses + 1, updated_at = excluded.updated_at`,
			projectID, userID, key, tx.now, tx.now)
		return err
	}
	var box int
	err := tx.queryRow(ctx, `SELECT box FROM training_reviews WHERE project_id = ? AND user_id = ? AND qkey = ?`, projectID, userID, key).Scan(&box)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	if box >= 5 {
		_, err = tx.exec(ctx, `DELETE FROM training_reviews WHERE project_id = ? AND user_id = ? AND qkey = ?`, projectID, userID, key)
		return err
	}
	box++
	_, err = tx.exec(ctx, `UPDATE training_reviews SET box = ?, due_at = ?, updated_at = ? WHERE project_id = ? AND user_id = ? AND qkey = ?`,
		box, tx.now.Add(time.Duration(1<<box)*24*time.Hour), tx.now, projectID, userID, key)
	return err
}

// QuizPhoto returns the photo of a question of one of the caller's quizzes.
func (s *TrainingService) QuizPhoto(ctx context.Context, quizID int64, position int) (*wubu.Photo, error) {
	q, err := s.FindQuiz(ctx, quizID)
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	if position < 1 || position > len(q.Questions) || !q.Questions[position-1].Photo || !u.Sees(wubu.CardPhoto) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Photo not found.")
	}
	_, idText, _ := strings.Cut(q.Questions[position-1].Key, ":")
	pid, _ := strconv.ParseInt(idText, 10, 64)
	ph := &wubu.Photo{}
	err = s.db.queryRow(ctx, `SELECT content_type, data, updated_at FROM person_photos WHERE project_id = ? AND person_id = ?`, q.ProjectID, pid).Scan(&ph.ContentType, &ph.Data, &ph.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Photo not found.")
	}
	return ph, err
}
