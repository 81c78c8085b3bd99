package web

import (
	"net/http"

	"github.com/xuri/excelize/v2"

	"github.com/wubu-oss/wubu/internal/importer"
)

// colWidth is the width of the columns From to To of a sheet.
type colWidth struct {
	From, To string
	Width    float64
}

// writeXLSX sends rows as a one-sheet .xlsx file, with the columns'
// widths given (A to C 24 wide when none is).
func (h *Handler) writeXLSX(w http.ResponseWriter, r *http.Request, sheet, filename string, rows [][]any, widths ...colWidth) {
	x := excelize.NewFile()
	defer x.Close()
	x.SetSheetName("Sheet1", sheet)
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &row); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if len(widths) == 0 {
		widths = []colWidth{{"A", "C", 24}}
	}
	for _, c := range widths {
		x.SetColWidth(sheet, c.From, c.To, c.Width)
	}
	w.Header().Set("Content-Type", importer.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	if err := x.Write(w); err != nil {
		h.Logger.Error("export", "file", filename, "err", err)
	}
}
