package importer

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
)

// Message returns an import error's message in the language.
func Message(e *wubu.ImportError, lang string) string {
	return i18n.T(lang, e.Format, e.Args...)
}

// ReportLine is one line of an import's report: an error, or a warning
// about an ignored column.
type ReportLine struct {
	Row     int    `json:"row"` // 0 for the whole file
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
	Warning bool   `json:"warning,omitempty"`
}

// Report returns the lines of an import's report in the language: the
// ignored columns first (warnings, on the header row), then the values
// read as empty (warnings), then every error.
func Report(res *wubu.ImportResult, lang string) []ReportLine {
	out := make([]ReportLine, 0, len(res.Ignored)+len(res.Warnings)+len(res.Errors))
	header := 1
	if res.HeaderLine > 0 {
		header = res.HeaderLine
	}
	for _, h := range res.Ignored {
		out = append(out, ReportLine{Row: header, Column: h, Message: i18n.T(lang, msgIgnoredColumn, h), Warning: true})
	}
	for _, e := range res.Warnings {
		out = append(out, ReportLine{Row: e.Line, Column: e.Column, Value: e.Value, Message: Message(e, lang), Warning: true})
	}
	for _, e := range res.Errors {
		out = append(out, ReportLine{Row: e.Line, Column: e.Column, Value: e.Value, Message: Message(e, lang)})
	}
	return out
}

// WriteReport writes an import's report as an .xlsx workbook in the
// language: row, column, value and problem, one line each.
func WriteReport(w io.Writer, res *wubu.ImportResult, lang string) error {
	lines := Report(res, lang)
	rows := make([][]any, len(lines))
	for i, l := range lines {
		rows[i] = []any{l.Row, l.Column, l.Value, l.Message}
	}
	headers := []string{i18n.T(lang, "Row"), i18n.T(lang, "Column"), i18n.T(lang, "Value"), i18n.T(lang, "Problem")}
	return writeSheet(w, i18n.T(lang, "Import errors"), headers, []float64{8, 18, 28, 70}, rows)
}

// writeSheet writes a one-sheet workbook: a bold header row, then rows,
// streamed so that 100,000 rows take little memory.
func writeSheet(w io.Writer, sheet string, headers []string, widths []float64, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet = strings.NewReplacer(":", "", "/", "", "\\", "", "?", "", "*", "", "[", "", "]", "").Replace(sheet)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("name sheet: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("style: %w", err)
	}
	// Text cells throughout, so phones and ID numbers stay as written.
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return fmt.Errorf("style: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("stream sheet: %w", err)
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return fmt.Errorf("column width: %w", err)
		}
	}
	if err := sw.SetColStyle(1, len(headers), text); err != nil {
		return fmt.Errorf("column style: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("freeze header: %w", err)
	}
	head := make([]any, len(headers))
	for i, h := range headers {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, r); err != nil {
			return fmt.Errorf("write row %d: %w", i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flush sheet: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// Import imports a file read by Read with the importer of its kind:
// residents, rooms, or vehicles and cards.
func Import(ctx context.Context, imp wubu.ResidentImporter, projectID int64, f *wubu.ImportFile, dryRun bool) (*wubu.ImportResult, error) {
	switch f.Kind {
	case wubu.ImportRooms:
		return imp.ImportRooms(ctx, projectID, f, dryRun)
	case wubu.ImportVehicles:
		return imp.ImportVehicles(ctx, projectID, f, dryRun)
	}
	return imp.ImportResidents(ctx, projectID, f, dryRun)
}
