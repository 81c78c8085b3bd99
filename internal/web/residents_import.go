package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/server"
)

// MaxUploadSize is the largest resident list the import screen takes.
const MaxUploadSize = 50 << 20

// maxLinesShown caps the problems listed on the page; the report has all.
const maxLinesShown = 200

type residentsImportView struct {
	Page
	Project   *wubu.Project
	Headers   []importer.Header
	Buildings []*wubu.Building
	Relations []wubu.Relation
	CareFlags []wubu.CareFlag

	// After an upload: what the import did or found.
	Result *wubu.ImportResult
	Lines  []importer.ReportLine
	More   int // problems not listed on the page
	// Report is the error report as a data: URL, so it downloads without
	// the server keeping the upload.
	Report     template.URL
	ReportName string
}

func (h *Handler) residentsImportView(r *http.Request) (*residentsImportView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &residentsImportView{Page: h.newPage(r, "Import and export residents"), Project: p, Headers: importer.Headers,
		Relations: wubu.Relations, CareFlags: wubu.CareFlags}
	v.Buildings, err = h.Org.FindBuildings(ctx, id)
	return v, err
}

// residentsImportShow is the import and export screen: upload a resident
// list, or download one.
func (h *Handler) residentsImportShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.residentsImportView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "residents_import", v)
}

// residentsImport imports an uploaded list: every row is checked first;
// on any problem nothing is written and the page lists every problem, with
// the report to download.
func (h *Handler) residentsImport(w http.ResponseWriter, r *http.Request) {
	v, err := h.residentsImportView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	refuse := func(err error) {
		h.render(w, r, formError(r, &v.Page, err, ""), "residents_import", v)
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxUploadSize+1<<20)
	file, hdr, err := r.FormFile("file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		refuse(wubu.FieldErrorf("file", wubu.EINVALID, "The file is larger than %d MB: split it into smaller files.", MaxUploadSize>>20))
		return
	case err != nil:
		refuse(wubu.FieldErrorf("file", wubu.EINVALID, "Choose an .xlsx or .csv file to import."))
		return
	}
	defer file.Close()
	f, err := importer.Read(file, hdr.Filename)
	if err != nil {
		if e := wubu.AsError(err); e != nil {
			e.Field = "file"
		}
		refuse(err)
		return
	}
	res, err := h.Importer.ImportResidents(r.Context(), v.Project.ID, f, r.PostFormValue("dry_run") != "")
	if res == nil {
		refuse(err)
		return
	}
	v.Result = res
	lang := server.Lang(r)
	v.Lines = importer.Report(res, lang)
	if len(v.Lines) > maxLinesShown {
		v.More, v.Lines = len(v.Lines)-maxLinesShown, v.Lines[:maxLinesShown]
	}
	status := http.StatusOK
	if len(res.Errors) > 0 {
		status = http.StatusUnprocessableEntity
		var buf bytes.Buffer
		if err := importer.WriteReport(&buf, res, lang); err != nil {
			h.fail(w, r, err)
			return
		}
		v.Report = template.URL("data:" + importer.ContentType + ";base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
		v.ReportName = strings.TrimSuffix(hdr.Filename, pathExt(hdr.Filename)) + "-errors.xlsx"
	}
	h.render(w, r, status, "residents_import", v)
}

func pathExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

// residentsExport downloads a resident list as .xlsx, filtered like the
// list screen (building, relation, care).
func (h *Handler) residentsExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Projects.FindProjectByID(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows, err := h.Importer.ExportResidents(ctx, residentFilter(id, r.URL.Query()))
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
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(buf.Bytes())
}
