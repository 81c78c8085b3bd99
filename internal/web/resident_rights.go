package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/server"
)

// residentRightsRoutes serve a resident's rights from the customer card
// (PIPL Art. 45, 47): everything held as .xlsx or JSON, and erasure.
func (h *Handler) residentRightsRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/residents/{id}/export", Perm: wubu.PermResidentRights, Handler: h.residentExport},
		{Method: "POST", Path: "/residents/{id}/erase", Perm: wubu.PermResidentRights, Handler: h.residentErase},
	}
}

// residentExport sends everything held about the resident: ?format=json,
// else an .xlsx workbook with a sheet per table.
func (h *Handler) residentExport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data, err := h.Rights.ExportPerson(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("resident-%d-%s", id, h.Clock.Now().In(cst).Format("2006-01-02"))
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Query().Get("format") == "json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(data)
		return
	}
	var buf bytes.Buffer
	if err := personWorkbook(&buf, data); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", importer.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	w.Write(buf.Bytes())
}

// personWorkbook writes a person's data as a workbook: a sheet per table,
// its columns in the header row.
func personWorkbook(w *bytes.Buffer, data *wubu.PersonData) error {
	f := excelize.NewFile()
	defer f.Close()
	tables := make([]string, 0, len(data.Tables))
	for t := range data.Tables {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	for i, t := range tables {
		sheet := t
		if len(sheet) > 31 {
			sheet = sheet[:31]
		}
		if i == 0 {
			f.SetSheetName("Sheet1", sheet)
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		var cols []string
		for c := range data.Tables[t][0] {
			cols = append(cols, c)
		}
		slices.Sort(cols)
		header := make([]any, len(cols))
		for j, c := range cols {
			header[j] = c
		}
		if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
			return err
		}
		for k, row := range data.Tables[t] {
			vals := make([]any, len(cols))
			for j, c := range cols {
				vals[j] = row[c]
			}
			if err := f.SetSheetRow(sheet, "A"+strconv.Itoa(k+2), &vals); err != nil {
				return err
			}
		}
	}
	if len(tables) == 0 {
		f.SetSheetRow("Sheet1", "A1", &[]any{"—"})
	}
	return f.Write(w)
}

// residentErase anonymises the resident after the name is typed to
// confirm; the card shows the refusal beside the field.
func (h *Handler) residentErase(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Rights.ErasePerson(r.Context(), id, r.PostFormValue("confirm")); err != nil {
		if wubu.ErrorCode(err) == wubu.EFORBIDDEN || wubu.ErrorCode(err) == wubu.ENOTFOUND {
			h.fail(w, r, err)
			return
		}
		h.residentFormFailed(w, r, err)
		return
	}
	h.redirect(w, r, "/residents/"+strconv.FormatInt(id, 10), h.T(r, "The resident's personal information has been erased; the audit log keeps the erasure."))
}
