package wubu

import (
	"context"
)

// The six-step scorecard (issue 17): the guideline's grid of the four
// posts × the six steps. The guideline gives the security and customer
// service posts all six steps and the cleaning and maintenance posts the
// first five (they have no 成就客户 section): 22 cells. Each cell is
// measured for a period from one metric of the daily roll-ups, with a
// health between 0 and 1 by a formula the page shows, and links to the
// list that feeds it. The quality department (品质管理部) sees every
// project it serves side by side on the same cells, ranked, with the
// company's median.

// Step is one of the six steps of the method.
type Step string

// The six steps.
const (
	StepKnow       Step = "know"       // 认识客户
	StepUnderstand Step = "understand" // 了解客户
	StepHelp       Step = "help"       // 帮助客户
	StepEmpathize  Step = "empathize"  // 理解客户
	StepDelight    Step = "delight"    // 感动客户
	StepAchieve    Step = "achieve"    // 成就客户
)

// Steps lists the steps in order.
var Steps = []Step{StepKnow, StepUnderstand, StepHelp, StepEmpathize, StepDelight, StepAchieve}

// ScorecardPosts lists the posts of the grid in the guideline's order.
var ScorecardPosts = []Post{PostSecurity, PostCleaning, PostMaintenance, PostService}

// ScorecardCell is one cell of the grid: what measures it.
type ScorecardCell struct {
	Post Post `json:"post"`
	Step Step `json:"step"`
	// Metric is the roll-up metric measured.
	Metric string `json:"metric"`
	// Measure names what is measured, Formula how its health is
	// computed (catalogue keys, shown on the page).
	Measure string `json:"measure"`
	Formula string `json:"formula"`
	// Link is the page of the list that feeds the cell; {project} stands
	// for the project's ID.
	Link string `json:"link"`
	// Max is the best value of a score metric (5 points, 100 %); Target
	// is, for a count metric, the items per 30 days that make it healthy.
	Max    float64 `json:"max,omitempty"`
	Target float64 `json:"target,omitempty"`
}

// ScorecardCells is the grid: the guideline's 22 cells (security and
// customer service have six steps, cleaning and maintenance five), each
// with the metric that measures it.
var ScorecardCells = []ScorecardCell{
	{Post: PostSecurity, Step: StepKnow, Metric: "training.assessment.security", Measure: "scorecard:security.know", Formula: "formula:score100", Link: "/training/report", Max: 100},
	{Post: PostSecurity, Step: StepUnderstand, Metric: "promise.tenant_registration.check", Measure: "scorecard:security.understand", Formula: "formula:promise", Link: "/tenants?project={project}"},
	{Post: PostSecurity, Step: StepHelp, Metric: "security.alarm_reminder", Measure: "scorecard:security.help", Formula: "formula:count", Link: "/alarms?project={project}", Target: 20},
	{Post: PostSecurity, Step: StepEmpathize, Metric: "promise.pass.confirm", Measure: "scorecard:security.empathize", Formula: "formula:promise", Link: "/passes?project={project}"},
	{Post: PostSecurity, Step: StepDelight, Metric: "security.advice", Measure: "scorecard:security.delight", Formula: "formula:count", Link: "/security/buildings?project={project}", Target: 10},
	{Post: PostSecurity, Step: StepAchieve, Metric: "promise.hazard.rectify", Measure: "scorecard:security.achieve", Formula: "formula:promise", Link: "/hazards?project={project}"},

	{Post: PostCleaning, Step: StepKnow, Metric: "training.assessment.cleaning", Measure: "scorecard:cleaning.know", Formula: "formula:score100", Link: "/training/report", Max: 100},
	{Post: PostCleaning, Step: StepUnderstand, Metric: "cleaning.need", Measure: "scorecard:cleaning.understand", Formula: "formula:count", Link: "/projects/{project}/housekeeping", Target: 10},
	{Post: PostCleaning, Step: StepHelp, Metric: "cleaning.pest_notice", Measure: "scorecard:cleaning.help", Formula: "formula:count", Link: "/bulletins?project={project}", Target: 2},
	{Post: PostCleaning, Step: StepEmpathize, Metric: "housekeeping.done", Measure: "scorecard:cleaning.empathize", Formula: "formula:ratio", Link: "/projects/{project}/housekeeping"},
	{Post: PostCleaning, Step: StepDelight, Metric: "housekeeping.promoted", Measure: "scorecard:cleaning.delight", Formula: "formula:count", Link: "/projects/{project}/housekeeping", Target: 10},

	{Post: PostMaintenance, Step: StepKnow, Metric: "training.assessment.maintenance", Measure: "scorecard:maintenance.know", Formula: "formula:score100", Link: "/training/report", Max: 100},
	{Post: PostMaintenance, Step: StepUnderstand, Metric: "inspection.visit", Measure: "scorecard:maintenance.understand", Formula: "formula:ratio", Link: "/projects/{project}/campaigns"},
	{Post: PostMaintenance, Step: StepHelp, Metric: "promise.renovation.review", Measure: "scorecard:maintenance.help", Formula: "formula:promise", Link: "/renovations?project={project}"},
	{Post: PostMaintenance, Step: StepEmpathize, Metric: "order.priced", Measure: "scorecard:maintenance.empathize", Formula: "formula:ratio", Link: "/projects/{project}/orders/report"},
	{Post: PostMaintenance, Step: StepDelight, Metric: "promise.order.arrival", Measure: "scorecard:maintenance.delight", Formula: "formula:promise", Link: "/projects/{project}/orders"},

	{Post: PostService, Step: StepKnow, Metric: "training.assessment.service", Measure: "scorecard:service.know", Formula: "formula:score100", Link: "/training/report", Max: 100},
	{Post: PostService, Step: StepUnderstand, Metric: "promise.complaint.handle", Measure: "scorecard:service.understand", Formula: "formula:promise", Link: "/complaints?project={project}"},
	{Post: PostService, Step: StepHelp, Metric: "care.visit", Measure: "scorecard:service.help_on_time", Formula: "formula:care_on_time", Link: "/projects/{project}/care"},
	{Post: PostService, Step: StepEmpathize, Metric: "desk.wait", Measure: "scorecard:service.empathize", Formula: "formula:wait15", Link: "/desk/report?project={project}"},
	{Post: PostService, Step: StepDelight, Metric: "promise.revisit.visit", Measure: "scorecard:service.delight", Formula: "formula:promise", Link: "/projects/{project}/revisits"},
	{Post: PostService, Step: StepAchieve, Metric: "event.attended", Measure: "scorecard:service.achieve", Formula: "formula:count", Link: "/events?project={project}", Target: 20},
}

// Key names the cell: "security.know".
func (c ScorecardCell) Key() string { return string(c.Post) + "." + string(c.Step) }

// ScoreCell is a cell measured for a period.
type ScoreCell struct {
	ScorecardCell
	// N is the number of items (promises due, scores, events) and Total
	// their sum (promises kept, points).
	N     int64 `json:"n"`
	Total int64 `json:"total"`
	// Open counts the promises still open (breached and not yet kept).
	Open int64 `json:"open,omitempty"`
	// Value is the figure shown: a share (0–1) for a ratio, the mean for a
	// score, the number of items for a count.
	Value float64 `json:"value"`
	// Health is between 0 and 1; HasData is false when nothing was
	// measured in the period.
	Health  float64 `json:"health"`
	HasData bool    `json:"has_data"`
	// Colour is "good" (health ≥ 0.9), "fair" (≥ 0.7), "poor" or "none".
	Colour string `json:"colour"`
}

// Scorecard is a project's grid for a period (days From ≤ day < To).
type Scorecard struct {
	ProjectID int64        `json:"project_id"`
	From      string       `json:"from"`
	To        string       `json:"to"`
	Cells     []*ScoreCell `json:"cells"`
	// Health is the mean health of the cells with data.
	Health  float64 `json:"health"`
	HasData bool    `json:"has_data"`
}

// Cell returns the cell of a post and a step, nil where the guideline has
// none.
func (s *Scorecard) Cell(post Post, step Step) *ScoreCell {
	for _, c := range s.Cells {
		if c.Post == post && c.Step == step {
			return c
		}
	}
	return nil
}

// QualityRow is a project's line of the quality department's view.
type QualityRow struct {
	Project   *Project   `json:"project"`
	Scorecard *Scorecard `json:"scorecard"`
	// Rank is 1 for the healthiest project.
	Rank int `json:"rank"`
}

// QualityView puts every project the caller serves side by side on the
// same cells, ranked by health, with the median of each cell.
type QualityView struct {
	From  string          `json:"from"`
	To    string          `json:"to"`
	Cells []ScorecardCell `json:"cells"`
	Rows  []*QualityRow   `json:"rows"`
	// Median is each cell's median health over the projects with data
	// (by cell key), MedianHealth the median of the projects' health.
	Median       map[string]float64 `json:"median"`
	MedianHealth float64            `json:"median_health"`
}

// TrendPoint is a project's health over one week against the median of
// the projects the caller serves.
type TrendPoint struct {
	From    string  `json:"from"`
	Health  float64 `json:"health"`
	HasData bool    `json:"has_data"`
	Median  float64 `json:"median"`
}

// ScorecardService measures the grid. Methods need PermReportView in each
// project they read; a project the caller does not serve answers
// ENOTFOUND; bad days are EINVALID.
type ScorecardService interface {
	// Scorecard measures a project's cells over days [from, to).
	Scorecard(ctx context.Context, projectID int64, from, to string) (*Scorecard, error)
	// Quality measures every project the caller serves and may report on.
	Quality(ctx context.Context, from, to string) (*QualityView, error)
	// Trend is a project's weekly health over the weeks ending before to,
	// against the median of the projects the caller serves.
	Trend(ctx context.Context, projectID int64, to string, weeks int) ([]*TrendPoint, error)
}
