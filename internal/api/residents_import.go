package api

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/server"
)

// maxImportBody is the largest file the import takes.
const maxImportBody = 50 << 20

// importRoutes are the resident import and export (F6). Their bodies are
// files, not JSON, so they are plain handlers.
func (h *Handler) importRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		withMaxBody(r("POST", "/projects/{id}/residents/import", wubu.PermResidentImport, h.residentsImport), maxImportBody),
		r("GET", "/projects/{id}/residents/import/jobs/{job}", wubu.PermResidentImport, h.residentsImportJob),
		r("GET", "/projects/{id}/residents/export", wubu.PermResidentImport, h.residentsExport),
	}
}

// importResponse is what an import answers: the counts, or every problem.
type importResponse struct {
	Rows      int                   `json:"rows"`
	Created   int                   `json:"created"`
	Updated   int                   `json:"updated"`
	Unchanged int                   `json:"unchanged"`
	Skipped   int                   `json:"skipped"`
	DryRun    bool                  `json:"dry_run"`
	Sheet     string                `json:"sheet"`
	Sheets    []string              `json:"sheets"`
	Columns   []wubu.ImportColumn   `json:"columns"`
	AllOwners bool                  `json:"all_owners"`
	Preview   []*wubu.ImportPreview `json:"preview"`
	Ignored   []string              `json:"ignored"`
	Warnings  []importer.ReportLine `json:"warnings"`
	Errors    []importer.ReportLine `json:"errors"`
	// Job follows an import running in the background: set while it
	// runs (202) and in the answer that ends it.
	Job *importJob `json:"job,omitempty"`
	// Error is set, as on every API error, when nothing was imported.
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// importJob is how far a background import is.
type importJob struct {
	ID        string `json:"id"`
	StatusURL string `json:"status_url"`
	Done      bool   `json:"done"`
	Total     int    `json:"total"`
	Checked   int64  `json:"checked"`
	Written   int64  `json:"written"`
}

// residentsImport imports the request body, an .xlsx or .csv file:
// POST /api/v1/projects/{id}/residents/import[?dry_run=1][&all_owners=1]
// [&sheet=NAME][&column=HEADER=FIELD…][&kind=rooms|vehicles][&async=1]. It answers 200 with the counts,
// how each column was understood and the first persons as stored, or 422
// with every problem and nothing written. all_owners confirms that a file
// without a relation column lists owners only. A file of more than
// importer.BackgroundRows rows (or any file with async=1) is imported in
// the background: the answer is 202 with a job whose status_url the client
// polls (residentsImportJob).
func (h *Handler) residentsImport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Projects.FindProjectByID(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		switch mt, _, _ := mime.ParseMediaType(ct); mt {
		case "application/json", "application/x-www-form-urlencoded", "multipart/form-data":
			h.fail(w, r, wubu.Errorf(wubu.EINVALID, "Send the .xlsx or .csv file itself as the request body."))
			return
		}
	}
	q := r.URL.Query()
	opts := importer.Options{Sheet: q.Get("sheet"), Kind: wubu.ImportResidents}
	if k := q.Get("kind"); k != "" {
		if opts.Kind = wubu.ImportKind(k); !opts.Kind.Valid() {
			h.fail(w, r, wubu.Errorf(wubu.EINVALID, "Kind %q is not known: write residents, rooms or vehicles.", k))
			return
		}
	}
	// What columns hold: the project's remembered mappings, then the
	// request's, which are remembered once the import succeeds.
	if opts.Columns, err = h.Importer.ImportColumns(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	chosen := map[string]wubu.ImportField{}
	for _, c := range q["column"] {
		header, fld, ok := strings.Cut(c, "=")
		if !ok || !importer.KnownField(wubu.ImportField(fld)) {
			h.fail(w, r, wubu.Errorf(wubu.EINVALID, "Column mapping %q is not understood: write HEADER=FIELD.", c))
			return
		}
		chosen[header], opts.Columns[header] = wubu.ImportField(fld), wubu.ImportField(fld)
	}
	var tooBig *http.MaxBytesError
	f, err := importer.ReadWith(http.MaxBytesReader(w, r.Body, maxImportBody), "api upload", opts)
	if errors.As(err, &tooBig) {
		err = wubu.Errorf(wubu.EINVALID, "The file is larger than %d MB: split it into smaller files.", maxImportBody>>20)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.AllOwners = flag(q.Get("all_owners"))
	if len(f.Rows) > importer.BackgroundRows || flag(q.Get("async")) {
		// As on the screen, the mappings of a big import are remembered
		// when it starts.
		if !flag(q.Get("dry_run")) && len(chosen) > 0 {
			if err := h.Importer.SaveImportColumns(r.Context(), id, chosen); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		j := h.Imports.Start(r.Context(), h.Importer, id, f, flag(q.Get("dry_run")))
		st := jobStatus(id, j)
		w.Header().Set("Location", st.StatusURL)
		server.WriteJSON(w, http.StatusAccepted, importResponse{Rows: len(f.Rows), DryRun: j.DryRun, Sheet: f.Sheet, Sheets: f.Sheets, Columns: f.Layout,
			Job: st, Preview: []*wubu.ImportPreview{}, Ignored: f.Ignored, Warnings: []importer.ReportLine{}, Errors: []importer.ReportLine{}})
		return
	}
	res, err := importer.Import(r.Context(), h.Importer, id, f, flag(q.Get("dry_run")))
	if err == nil && !res.DryRun && len(chosen) > 0 {
		if err := h.Importer.SaveImportColumns(r.Context(), id, chosen); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.importAnswer(w, r, res, err, nil)
}

// residentsImportJob answers how far a background import is:
// GET /api/v1/projects/{id}/residents/import/jobs/{job}. While it runs
// the answer is 202 with the rows checked and written; once done, it is
// what the import would have answered at once (200, or 422 with every
// problem), with the job. Another user's job answers 404.
func (h *Handler) residentsImportJob(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	j, err := h.Imports.Find(r.Context(), id, r.PathValue("job"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	done, res, err := j.State()
	st := jobStatus(id, j)
	if !done {
		server.WriteJSON(w, http.StatusAccepted, importResponse{Rows: j.Total(), DryRun: j.DryRun, Job: st,
			Columns: []wubu.ImportColumn{}, Preview: []*wubu.ImportPreview{}, Ignored: []string{}, Warnings: []importer.ReportLine{}, Errors: []importer.ReportLine{}})
		return
	}
	h.importAnswer(w, r, res, err, st)
}

// jobStatus describes a background import of the project.
func jobStatus(projectID int64, j *importer.Job) *importJob {
	done, _, _ := j.State()
	return &importJob{ID: j.ID(), StatusURL: "/api/v1/projects/" + strconv.FormatInt(projectID, 10) + "/residents/import/jobs/" + j.ID(),
		Done: done, Total: j.Total(), Checked: j.Checked(), Written: j.Written()}
}

// importAnswer answers an import's result: 200 with the counts, or the
// error's status with every problem.
func (h *Handler) importAnswer(w http.ResponseWriter, r *http.Request, res *wubu.ImportResult, err error, job *importJob) {
	if res == nil {
		h.fail(w, r, err)
		return
	}
	out := importResponse{Job: job, Rows: res.Rows, Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged, Skipped: res.Skipped,
		DryRun: res.DryRun, Sheet: res.Sheet, Sheets: res.Sheets, Columns: res.Columns, AllOwners: res.AllOwners, Preview: res.Preview,
		Ignored: res.Ignored, Warnings: []importer.ReportLine{}, Errors: []importer.ReportLine{}}
	lang := server.Lang(r)
	for _, e := range res.Warnings {
		out.Warnings = append(out.Warnings, importer.ReportLine{Row: e.Line, Column: e.Column, Value: e.Value, Message: importer.Message(e, lang), Warning: true})
	}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, importer.ReportLine{Row: e.Line, Column: e.Column, Value: e.Value, Message: importer.Message(e, lang)})
	}
	status := http.StatusOK
	if err != nil {
		status = server.Status(server.ErrorCode(err))
		out.Error = &struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}{server.ErrorCode(err), server.ErrMessage(r, err)}
	}
	server.WriteJSON(w, status, out)
}

// flag reads a query flag: "1" or "true".
func flag(s string) bool { return s == "1" || s == "true" }

// residentsExport answers a resident list as .xlsx:
// GET /api/v1/projects/{id}/residents/export[?building_id=…][&relation=…][&care_flag=…].
func (h *Handler) residentsExport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := wubu.ResidentFilter{ProjectID: id}
	if f.BuildingID, err = queryID(r, "building_id"); err != nil {
		h.fail(w, r, err)
		return
	}
	if s := r.URL.Query().Get("relation"); s != "" {
		rel := wubu.Relation(s)
		f.Relation = &rel
	}
	if s := r.URL.Query().Get("care_flag"); s != "" {
		cf := wubu.CareFlag(s)
		f.CareFlag = &cf
	}
	rows, err := h.Importer.ExportResidents(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := importer.Export(&buf, rows, server.Lang(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", importer.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+importer.ExportFileName(p.Code, h.Clock.Now())+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
