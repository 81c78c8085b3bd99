package wubu

import (
	"context"
	"slices"
	"time"
)

// Surveys (K3, D1, D4; later H4): one machinery for every questionnaire of
// a project. A survey form has a purpose — the form of a visit kind
// ("visit:welcome", "visit:satisfaction"…), or a community survey
// ("survey", with a period and, later, an audience) — and ordered
// questions of five kinds. A response answers one form once, for a
// resident (and so a building), on a visit or not; the results count,
// average and give percentages per question, for the whole project and per
// building.

// SurveyPurpose says what a form is for.
type SurveyPurpose string

// SurveyCommunity is the purpose of a community survey (issue 14).
const SurveyCommunity SurveyPurpose = "survey"

// SurveyCare is the purpose of the care visits' form (H1's visits to the
// residents with a care flag, recorded from the customer card).
const SurveyCare SurveyPurpose = "visit:care"

// VisitSurvey returns the purpose of a visit kind's form.
func VisitSurvey(k VisitKind) SurveyPurpose { return SurveyPurpose("visit:" + string(k)) }

// VisitSurveys returns the purposes of every visit kind's form.
func VisitSurveys() []SurveyPurpose {
	ps := make([]SurveyPurpose, len(VisitKinds))
	for i, k := range VisitKinds {
		ps[i] = VisitSurvey(k)
	}
	return ps
}

// Valid reports whether p is a community survey or a visit kind's form.
func (p SurveyPurpose) Valid() bool {
	if p == SurveyCommunity || p == SurveyCare {
		return true
	}
	for _, k := range VisitKinds {
		if p == VisitSurvey(k) {
			return true
		}
	}
	return false
}

// QuestionKind is how a question is answered.
type QuestionKind string

// Question kinds.
const (
	QuestionScale  QuestionKind = "scale"  // 1 (very unhappy) … 5 (very happy)
	QuestionYesNo  QuestionKind = "yes_no" // yes or no
	QuestionSingle QuestionKind = "single" // one of the choices
	QuestionMulti  QuestionKind = "multi"  // any of the choices
	QuestionText   QuestionKind = "text"   // free text
)

// QuestionKinds lists every kind.
var QuestionKinds = []QuestionKind{QuestionScale, QuestionYesNo, QuestionSingle, QuestionMulti, QuestionText}

// Valid reports whether k is a known kind.
func (k QuestionKind) Valid() bool { return slices.Contains(QuestionKinds, k) }

// HasChoices reports whether questions of the kind list their choices.
func (k QuestionKind) HasChoices() bool { return k == QuestionSingle || k == QuestionMulti }

// SurveyForm is a questionnaire of a project.
type SurveyForm struct {
	ID        int64         `json:"id"`
	ProjectID int64         `json:"project_id"`
	Purpose   SurveyPurpose `json:"purpose"`
	Title     string        `json:"title"`
	// OpensOn and ClosesOn bound a community survey's period (2026-12-01;
	// empty for a visit's form).
	OpensOn  string `json:"opens_on,omitempty"`
	ClosesOn string `json:"closes_on,omitempty"`
	// BuildingIDs are a community survey's audience: the residents of
	// these buildings; empty: the whole project.
	BuildingIDs []int64 `json:"building_ids,omitempty"`
	// SegmentID is a community survey's audience, a saved customer
	// segment (U2): only its residents answer; nil: every resident.
	SegmentID *int64 `json:"segment_id,omitempty"`
	// Questions are the form's questions in order (archived ones left out).
	Questions []*SurveyQuestion `json:"questions"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// SurveyQuestion is one question of a form.
type SurveyQuestion struct {
	// ID is zero for a new question; a question left out of a saved form
	// is archived, its answers kept for the results.
	ID       int64        `json:"id"`
	Kind     QuestionKind `json:"kind"`
	Text     string       `json:"text"`
	Choices  []string     `json:"choices,omitempty"`
	Required bool         `json:"required"`
}

// SurveyAnswer answers one question: Score for a scale (1–5) or yes/no
// (1 yes, 0 no), Choices for a choice, Text for text.
type SurveyAnswer struct {
	QuestionID int64    `json:"question_id"`
	Score      *int     `json:"score,omitempty"`
	Choices    []string `json:"choices,omitempty"`
	Text       string   `json:"text,omitempty"`
}

// SurveyResponse is one filled-in form.
type SurveyResponse struct {
	ID         int64  `json:"id"`
	FormID     int64  `json:"form_id"`
	PersonID   *int64 `json:"person_id,omitempty"`
	BuildingID *int64 `json:"building_id,omitempty"`
	VisitID    *int64 `json:"visit_id,omitempty"`
	// CareVisitID is the care visit whose answers these are.
	CareVisitID *int64         `json:"care_visit_id,omitempty"`
	AnsweredAt  time.Time      `json:"answered_at"`
	Answers     []SurveyAnswer `json:"answers"`
}

// SurveyResults are a form's results: for the whole project and for each
// building.
type SurveyResults struct {
	Form      *SurveyForm       `json:"form"`
	Responses int               `json:"responses"`
	Questions []*QuestionResult `json:"questions"`
	Buildings []*BuildingResult `json:"buildings"`
}

// BuildingResult are the results of the responses of one building's
// residents.
type BuildingResult struct {
	BuildingID   int64             `json:"building_id"`
	BuildingName string            `json:"building_name"`
	Responses    int               `json:"responses"`
	Questions    []*QuestionResult `json:"questions"`
}

// QuestionResult is one question's result: how many answered it; for a
// scale its average and the count of each score; for yes/no the yeses and
// noes; for a choice the count of each choice (a multiple choice's
// percentages are of those who answered, and may add up to more than
// 100); for text the answers, newest first (at most 50).
type QuestionResult struct {
	QuestionID int64         `json:"question_id"`
	Kind       QuestionKind  `json:"kind"`
	Text       string        `json:"text"`
	Answered   int           `json:"answered"`
	Average    float64       `json:"average,omitempty"`
	Counts     []ChoiceCount `json:"counts,omitempty"`
	Texts      []string      `json:"texts,omitempty"`
}

// ChoiceCount is how often one answer was given, and its share of those
// who answered the question, in percent (one decimal).
type ChoiceCount struct {
	Label   string  `json:"label"`
	Count   int     `json:"count"`
	Percent float64 `json:"percent"`
}

// SurveyService keeps a project's survey forms and their results.
// Reading a form needs PermResidentView, saving one PermSettingsEdit, the
// results PermReportView; another project's form answers ENOTFOUND.
type SurveyService interface {
	// FindSurveyForms returns a project's forms.
	FindSurveyForms(ctx context.Context, projectID int64) ([]*SurveyForm, error)
	// FindSurveyForm returns a form with its questions.
	FindSurveyForm(ctx context.Context, id int64) (*SurveyForm, error)
	// FormFor returns the form of a purpose in a project; ENOTFOUND when
	// the project has none.
	FormFor(ctx context.Context, projectID int64, purpose SurveyPurpose) (*SurveyForm, error)
	// SaveSurveyForm creates a form (ID zero) or replaces its title,
	// period and questions: questions with an ID are changed in place (a
	// question's kind cannot change once answered), new ones added, those
	// left out archived. A visit kind has one form. EINVALID (title, no
	// question, a question's text, kind or choices), ECONFLICT (a second
	// form of a visit kind; the kind of an answered question).
	SaveSurveyForm(ctx context.Context, f *SurveyForm) error
	// SurveyResults counts a form's answers, per question and per
	// building.
	SurveyResults(ctx context.Context, formID int64) (*SurveyResults, error)
	// AnswerSurvey records a resident's answers to a community survey
	// (entered by staff; the portal and the SMS link will call it too):
	// within the survey's period, once per resident; the building is the
	// resident's, and a summary lands on their timeline. A visit's form is
	// answered with the visit's outcome instead. Needs PermResidentEdit.
	// EINVALID (answers; outside the period; a visit's form), ECONFLICT
	// (answered already), ENOTFOUND (form or resident).
	AnswerSurvey(ctx context.Context, r *SurveyResponse) error
	// SendSurveyLinks sends a community survey's link by SMS through the
	// outbox to one resident of each household of its audience (the
	// owner first; residents with a phone): a personal link base +
	// "/s/" + token, answered once until the survey closes. A household
	// sent a link before gets none again. It returns how many were sent.
	// Needs PermResidentEdit. EINVALID (a visit's form, closed, no
	// notifier), ENOTFOUND.
	SendSurveyLinks(ctx context.Context, formID int64, base string) (int, error)
	// SurveyLinkForm returns the survey of a personal link, for the
	// resident who opened it (no sign-in: the token is the right).
	// ENOTFOUND (no such link), EINVALID (closed or not open yet),
	// ECONFLICT (answered already).
	SurveyLinkForm(ctx context.Context, token string) (*SurveyForm, error)
	// AnswerSurveyLink records the answers given through a personal link
	// as the answers of its resident (and so their building), once.
	// The errors of SurveyLinkForm, and EINVALID (answers).
	AnswerSurveyLink(ctx context.Context, token string, answers []SurveyAnswer) error

	// The residents' portal (the resident of PortalIdentityFromContext):
	// MySurveys lists the community surveys already open whose audience
	// holds one of their homes (the project, their building, their
	// segment), answered or not, closed ones marked; MySurvey returns one
	// (ENOTFOUND outside its audience); AnswerMySurvey records the answers
	// exactly as a personal link does — once per household (ECONFLICT
	// once the household answered, by link or on the portal), counted in
	// the results of the resident's building — and marks the household's
	// link used.
	MySurveys(ctx context.Context) ([]*MySurvey, error)
	MySurvey(ctx context.Context, formID int64) (*MySurvey, error)
	AnswerMySurvey(ctx context.Context, formID int64, answers []SurveyAnswer) error
}

// MySurvey is a community survey as a resident on the portal sees it.
type MySurvey struct {
	Form *SurveyForm `json:"form"`
	// Answered: their household has answered it (by link or on the portal).
	Answered bool `json:"answered"`
	// Closed: its period is over.
	Closed bool `json:"closed"`
}
