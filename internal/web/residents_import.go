package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/server"
)

// MaxUploadSize is the largest resident list the import screen takes.
const MaxUploadSize = 50 << 20

// maxLinesShown caps the problems listed on the page; the report has all.
const maxLinesShown = 200

// maxKeptUpload is the largest upload the page keeps in the form after a
// preview, so that importing it needs no second upload; a bigger file is
// chosen again.
const maxKeptUpload = 4 << 20

// fieldOption is a field a column may be mapped to, named in the user's
// language by its first header.
type fieldOption struct {
	Field wubu.ImportField
	Label string
}

// columnChoice is a column of the uploaded file and what it was read as,
// with what the user chose it to hold.
type columnChoice struct {
	wubu.ImportColumn
	Chosen wubu.ImportField
}

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

	// The choices about the file: its sheet, whether it lists owners
	// only, what its columns hold; and the file itself, kept in the form
	// after a preview (base64) when it is small.
	Sheets     []string
	Sheet      string
	AllOwners  bool
	Columns    []columnChoice
	Fields     []fieldOption
	Upload     string
	UploadName string
	Kind       wubu.ImportKind
	Kinds      []kindOption
	// Templates are the templates to download, labelled in the user's
	// language.
	Templates []kindOption
	// Job is a big import running in the background; the page polls it.
	Job *importer.Job
}

// kindOption is a kind of list the screen imports, with its label.
type kindOption struct {
	Kind  wubu.ImportKind
	Label string
}

// importKinds are the lists the screen imports.
var importKinds = []kindOption{
	{Kind: wubu.ImportResidents, Label: "Residents: one row per person and room"},
	{Kind: wubu.ImportRooms, Label: "Rooms: building, unit, floor and number (missing buildings and units are created)"},
	{Kind: wubu.ImportVehicles, Label: "Vehicles and cards of residents already known (found by room and name, or name and phone)"},
}

// FieldLabel names a field as the page's options do.
func (v *residentsImportView) FieldLabel(f wubu.ImportField) string {
	for _, o := range v.Fields {
		if o.Field == f {
			return o.Label
		}
	}
	return string(f)
}

// Join joins a list for the page.
func (v *residentsImportView) Join(list []string, sep string) string { return strings.Join(list, sep) }

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
	v := &residentsImportView{Page: h.newPage(r, "Import and export residents"), Project: p,
		Headers:   append(slices.Clone(importer.Headers), importer.RoomPartHeaders...),
		Relations: wubu.Relations, CareFlags: wubu.CareFlags, Kind: wubu.ImportResidents, Kinds: importKinds}
	v.Templates = []kindOption{{wubu.ImportResidents, h.T(r, "Residents template")}, {wubu.ImportRooms, h.T(r, "Rooms template")},
		{wubu.ImportVehicles, h.T(r, "Vehicles and cards template")}, {importer.TemplateCards, h.T(r, "Cards template")}}
	for _, hd := range v.Headers {
		label := hd.Chinese[0]
		if server.Lang(r) == i18n.EN {
			label = hd.English[0]
		}
		v.Fields = append(v.Fields, fieldOption{hd.Field, label})
	}
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
	data, name, err := uploadedFile(r)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		refuse(wubu.FieldErrorf("file", wubu.EINVALID, "The file is larger than %d MB: split it into smaller files.", MaxUploadSize>>20))
		return
	case err != nil:
		refuse(wubu.FieldErrorf("file", wubu.EINVALID, "Choose an .xlsx or .csv file to import."))
		return
	}
	if len(data) <= maxKeptUpload {
		v.Upload, v.UploadName = base64.StdEncoding.EncodeToString(data), name
	}
	// The choices: the sheet, owners only, and what columns hold — the
	// project's remembered mappings, then the ones chosen on the page.
	v.Sheet, v.AllOwners = r.PostFormValue("sheet"), r.PostFormValue("all_owners") != ""
	v.Kind = wubu.ImportKind(r.PostFormValue("kind"))
	if !v.Kind.Valid() {
		v.Kind = wubu.ImportResidents
	}
	opts := importer.Options{Sheet: v.Sheet, Kind: v.Kind}
	if opts.Columns, err = h.Importer.ImportColumns(r.Context(), v.Project.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	chosen := map[string]wubu.ImportField{}
	headers, fields := r.PostForm["map_header"], r.PostForm["map_field"]
	for i := 0; i < len(headers) && i < len(fields); i++ {
		if f := wubu.ImportField(fields[i]); f != "" && f.Mappable() {
			chosen[headers[i]], opts.Columns[headers[i]] = f, f
		}
	}
	f, err := importer.ReadBytesWith(data, name, opts)
	if err != nil {
		if e := wubu.AsError(err); e != nil {
			e.Field = "file"
		}
		v.Sheets = importer.SheetNames(data)
		refuse(err)
		return
	}
	f.AllOwners = v.AllOwners
	v.Sheets, v.Sheet = f.Sheets, f.Sheet
	for _, c := range f.Layout {
		v.Columns = append(v.Columns, columnChoice{c, chosen[c.Header]})
	}
	dryRun := r.PostFormValue("dry_run") != ""
	if len(f.Rows) > importer.BackgroundRows {
		// A big list: the page answers now and follows the import.
		if !dryRun && len(chosen) > 0 {
			if err := h.Importer.SaveImportColumns(r.Context(), v.Project.ID, chosen); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		v.Job = h.Imports.Start(r.Context(), h.Importer, v.Project.ID, f, dryRun)
		h.render(w, r, http.StatusAccepted, "residents_import", v)
		return
	}
	res, err := importer.Import(r.Context(), h.Importer, v.Project.ID, f, dryRun)
	if res == nil {
		refuse(err)
		return
	}
	if err == nil && !dryRun && len(chosen) > 0 {
		// Imported: the choices hold for the project's next file.
		if err := h.Importer.SaveImportColumns(r.Context(), v.Project.ID, chosen); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.showResult(w, r, v, res, name)
}

// residentsImportProgress shows a background import: its progress bar
// while it runs (the page polls it), then its outcome like a direct
// import's.
func (h *Handler) residentsImportProgress(w http.ResponseWriter, r *http.Request) {
	v, err := h.residentsImportView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	j, err := h.Imports.Find(r.Context(), v.Project.ID, r.URL.Query().Get("job"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	done, res, err := j.State()
	v.Kind = j.Kind
	switch {
	case !done:
		v.Job = j
		h.render(w, r, http.StatusOK, "residents_import", v)
	case res == nil:
		h.render(w, r, formError(r, &v.Page, err, ""), "residents_import", v)
	default:
		h.showResult(w, r, v, res, j.FileName)
	}
}

// showResult renders what an import did or found, with the report of its
// problems to download.
func (h *Handler) showResult(w http.ResponseWriter, r *http.Request, v *residentsImportView, res *wubu.ImportResult, name string) {
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
		v.ReportName = strings.TrimSuffix(name, pathExt(name)) + "-errors.xlsx"
	}
	h.render(w, r, status, "residents_import", v)
}

// uploadedFile returns the file of an import form: the one chosen, or the
// one kept in the form after a preview.
func uploadedFile(r *http.Request) ([]byte, string, error) {
	file, hdr, err := r.FormFile("file")
	if err == nil {
		defer file.Close()
		data, err := io.ReadAll(io.LimitReader(file, MaxUploadSize+1))
		return data, hdr.Filename, err
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, "", err
	}
	if kept := r.PostFormValue("upload"); kept != "" {
		data, derr := base64.StdEncoding.DecodeString(kept)
		if derr == nil {
			return data, r.PostFormValue("upload_name"), nil
		}
	}
	return nil, "", err
}

func pathExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

// residentsImportTemplate downloads the .xlsx template of a kind of list
// (?kind=residents, rooms, vehicles or cards): Chinese headers, an example row,
// drop-downs on relation, gender and care.
func (h *Handler) residentsImportTemplate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Projects.FindProjectByID(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	kind := wubu.ImportKind(r.URL.Query().Get("kind"))
	if kind == "" {
		kind = wubu.ImportResidents
	}
	var buf bytes.Buffer
	if err := importer.Template(&buf, kind, server.Lang(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", importer.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+importer.TemplateFileName(kind)+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(buf.Bytes())
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
