package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// scorecardRoutes are the six-step scorecard of a project and the quality
// department's view across the projects it serves (issue 17).
func (h *Handler) scorecardRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/scorecard", Perm: wubu.PermReportView, Handler: h.scorecard},
		{Method: "GET", Path: "/quality", Perm: wubu.PermReportView, Handler: h.quality},
		{Method: "GET", Path: "/quality/export", Perm: wubu.PermReportView, Handler: h.qualityExport},
	}
}

// scorecardPeriod reads the period from ?from=&to= (China days, to
// exclusive); the default is the last 30 days through today.
func (h *Handler) scorecardPeriod(r *http.Request) (from, to string) {
	today := h.Clock.Now().In(cst)
	to, from = r.URL.Query().Get("to"), r.URL.Query().Get("from")
	if to == "" {
		to = today.AddDate(0, 0, 1).Format(time.DateOnly)
	}
	if from == "" {
		from = today.AddDate(0, 0, -29).Format(time.DateOnly)
	}
	return from, to
}

// scorecardPage is what the scorecard and the quality view share: the
// grid's posts and steps, the period, and how a cell reads.
type scorecardPage struct {
	Page
	Posts    []wubu.Post
	Steps    []wubu.Step
	From, To string
}

// CellValue writes a cell's figure: a share as a percentage, a score as
// its mean, a count as a number.
func (v *scorecardPage) CellValue(c *wubu.ScoreCell) string {
	if c == nil || !c.HasData {
		return "—"
	}
	switch c.Formula {
	case "formula:count":
		return strconv.FormatInt(c.N, 10)
	case "formula:score100":
		return fmt.Sprintf("%.0f", c.Value)
	}
	return fmt.Sprintf("%.0f%%", c.Value*100)
}

// Percent writes a health as a percentage.
func (v *scorecardPage) Percent(h float64) string { return fmt.Sprintf("%.0f%%", h*100) }

// CellLink is the page that feeds a cell, for a project.
func (v *scorecardPage) CellLink(c *wubu.ScoreCell, projectID int64) string {
	return strings.ReplaceAll(c.Link, "{project}", strconv.FormatInt(projectID, 10))
}

type scorecardView struct {
	scorecardPage
	Project   *wubu.Project
	Scorecard *wubu.Scorecard
	Trend     []*wubu.TrendPoint
}

// scorecard shows a project's grid for the period, with its weekly trend
// against the median of the projects the viewer serves.
func (h *Handler) scorecard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &scorecardView{scorecardPage: scorecardPage{Page: h.newPage(r, "Six-step scorecard"), Posts: wubu.ScorecardPosts, Steps: wubu.Steps}}
	v.From, v.To = h.scorecardPeriod(r)
	if v.Project, err = h.Projects.FindProjectByID(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Scorecard, err = h.Scorecards.Scorecard(ctx, id, v.From, v.To); err == nil {
		v.Trend, err = h.Scorecards.Trend(ctx, id, v.To, 8)
	}
	if err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		v.Form = r.URL.Query()
		h.render(w, r, formError(r, &v.Page, err, ""), "scorecard", v)
		return
	}
	h.render(w, r, http.StatusOK, "scorecard", v)
}

type qualityView struct {
	scorecardPage
	Quality *wubu.QualityView
	// Heads and Lines are the table as it is shown, written once here
	// rather than cell by cell in the template (a company's projects
	// times 22 cells).
	Heads []qualityHead
	Lines []qualityLine
}

// qualityHead is a column of the quality table: a cell of the grid.
type qualityHead struct{ Post, Step, Measure string }

// qualityLine is a project's row of the quality table.
type qualityLine struct {
	Rank      int
	ProjectID int64
	Project   string
	Health    string
	Cells     []qualityCell
}

// qualityCell is a project's figure in a cell, with its colour.
type qualityCell struct{ Colour, Text string }

// lines writes the quality table.
func (v *qualityView) lines() {
	for _, c := range v.Quality.Cells {
		v.Heads = append(v.Heads, qualityHead{Post: v.T("post:" + string(c.Post)), Step: v.T("step:" + string(c.Step)), Measure: v.T(c.Measure)})
	}
	for _, row := range v.Quality.Rows {
		l := qualityLine{Rank: row.Rank, ProjectID: row.Project.ID, Project: row.Project.Name, Health: "—"}
		if row.Scorecard.HasData {
			l.Health = v.Percent(row.Scorecard.Health)
		}
		for _, c := range v.Quality.Cells {
			if sc := v.Health(row, c); sc != nil {
				l.Cells = append(l.Cells, qualityCell{Colour: sc.Colour, Text: v.CellValue(sc)})
			}
		}
		v.Lines = append(v.Lines, l)
	}
}

// Median writes the median health of a cell.
func (v *qualityView) Median(c wubu.ScorecardCell) string {
	m, ok := v.Quality.Median[c.Key()]
	if !ok {
		return "—"
	}
	return v.Percent(m)
}

// Health returns the cell of a row's scorecard for a cell of the grid.
func (v *qualityView) Health(row *wubu.QualityRow, c wubu.ScorecardCell) *wubu.ScoreCell {
	return row.Scorecard.Cell(c.Post, c.Step)
}

func (h *Handler) qualityOf(w http.ResponseWriter, r *http.Request) (*qualityView, bool) {
	v := &qualityView{scorecardPage: scorecardPage{Page: h.newPage(r, "Quality across projects"), Posts: wubu.ScorecardPosts, Steps: wubu.Steps}}
	v.From, v.To = h.scorecardPeriod(r)
	var err error
	if v.Quality, err = h.Scorecards.Quality(r.Context(), v.From, v.To); err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return nil, false
		}
		v.Form = r.URL.Query()
		v.Quality = &wubu.QualityView{}
		h.render(w, r, formError(r, &v.Page, err, ""), "quality", v)
		return nil, false
	}
	return v, true
}

// quality puts every project the viewer serves side by side on the
// grid's cells, ranked by health, with the median of each cell.
func (h *Handler) quality(w http.ResponseWriter, r *http.Request) {
	if v, ok := h.qualityOf(w, r); ok {
		v.lines()
		h.render(w, r, http.StatusOK, "quality", v)
	}
}

// qualityExport sends the quality view as .xlsx: a project a row, a cell a
// column (its health), the medians last.
func (h *Handler) qualityExport(w http.ResponseWriter, r *http.Request) {
	v, ok := h.qualityOf(w, r)
	if !ok {
		return
	}
	head := []any{v.T("Rank"), v.T("Project"), v.T("Health")}
	for _, c := range v.Quality.Cells {
		head = append(head, v.T("post:"+string(c.Post))+" · "+v.T("step:"+string(c.Step)))
	}
	rows := [][]any{head}
	for _, row := range v.Quality.Rows {
		line := []any{row.Rank, row.Project.Name, v.Percent(row.Scorecard.Health)}
		for _, c := range v.Quality.Cells {
			line = append(line, v.CellValue(v.Health(row, c)))
		}
		rows = append(rows, line)
	}
	med := []any{"", v.T("Company median"), v.Percent(v.Quality.MedianHealth)}
	for _, c := range v.Quality.Cells {
		med = append(med, v.Median(c))
	}
	rows = append(rows, med)
	h.writeXLSX(w, r, v.T("Quality across projects"), "quality-"+v.From+"-"+v.To+".xlsx", rows, colWidth{"B", "B", 20}, colWidth{"D", "Z", 14})
}
