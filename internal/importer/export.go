package importer

import (
	"io"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
)

// ContentType is the media type of an .xlsx workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// ExportFileName returns the file name of a project's export on a day (in
// China Standard Time), such as "LJY-residents-2026-11-27.xlsx".
func ExportFileName(projectCode string, t time.Time) string {
	return projectCode + "-residents-" + t.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02") + ".xlsx"
}

// Export writes a resident list as an .xlsx workbook, one row per person
// and room, with the headers and words the import reads (Chinese for zh-CN,
// English otherwise), so an export imports back unchanged. Several phones,
// plates or cards share a cell, separated by "/"; a card expiry is written
// only when all of the person's cards of that kind share it (the import
// gives the row's expiry to each of its cards).
func Export(w io.Writer, rows []*wubu.ResidentRow, lang string) error {
	headers := make([]string, len(Headers))
	widths := make([]float64, len(Headers))
	for i, h := range Headers {
		headers[i] = h.Chinese[0]
		if lang == i18n.EN {
			headers[i] = h.English[0]
		}
		widths[i] = exportWidths[h.Field]
		if widths[i] == 0 {
			widths[i] = 12
		}
	}
	out := make([][]any, 0, len(rows))
	for _, r := range rows {
		p, h := r.Person, r.Household
		values := map[wubu.ImportField]string{
			wubu.FieldRoom:       h.RoomLabel,
			wubu.FieldName:       p.Name,
			wubu.FieldGender:     genderWord(p.Gender, lang),
			wubu.FieldPhones:     strings.Join(p.Phones, "/"),
			wubu.FieldIDNumber:   p.IDNumber,
			wubu.FieldRelation:   relationWord(h.Relation, lang),
			wubu.FieldPlates:     strings.Join(r.Plates, "/"),
			wubu.FieldBirthday:   p.Birthday,
			wubu.FieldMoveIn:     h.MoveIn,
			wubu.FieldMoveOut:    h.MoveOut,
			wubu.FieldCareFlags:  careWords(p.CareFlags, lang),
			wubu.FieldOccupation: p.Occupation,
			wubu.FieldNotes:      p.Notes,
		}
		values[wubu.FieldParkingCard], values[wubu.FieldParkingExpiry] = cardCells(r.Cards, wubu.CardParking)
		values[wubu.FieldAccessCard], values[wubu.FieldAccessExpiry] = cardCells(r.Cards, wubu.CardAccess)
		row := make([]any, len(Headers))
		for i, h := range Headers {
			if v := values[h.Field]; v != "" {
				row[i] = v
			}
		}
		out = append(out, row)
	}
	sheet := i18n.T(lang, "Residents")
	return writeSheet(w, sheet, headers, widths, out)
}

var exportWidths = map[wubu.ImportField]float64{
	wubu.FieldRoom: 12, wubu.FieldName: 10, wubu.FieldGender: 6, wubu.FieldPhones: 26, wubu.FieldIDNumber: 22,
	wubu.FieldPlates: 20, wubu.FieldParkingCard: 14, wubu.FieldAccessCard: 14, wubu.FieldCareFlags: 16, wubu.FieldNotes: 30,
}

// cardCells returns the numbers of a person's cards of a kind and their
// common expiry ("" if they differ).
func cardCells(cards []*wubu.Card, kind wubu.CardKind) (numbers, expiry string) {
	var ns []string
	for _, c := range cards {
		if c.Kind != kind {
			continue
		}
		if len(ns) == 0 {
			expiry = c.ExpiresOn
		} else if c.ExpiresOn != expiry {
			expiry = ""
		}
		ns = append(ns, c.Number)
	}
	return strings.Join(ns, "/"), expiry
}

func genderWord(g, lang string) string {
	switch {
	case g == "m" && lang == i18n.EN:
		return "male"
	case g == "f" && lang == i18n.EN:
		return "female"
	case g == "m":
		return "男"
	case g == "f":
		return "女"
	}
	return ""
}

func relationWord(r wubu.Relation, lang string) string {
	if lang == i18n.EN {
		return string(r)
	}
	if w, ok := wubu.RelationChinese[r]; ok {
		return w
	}
	return string(r)
}

func careWords(flags []wubu.CareFlag, lang string) string {
	ws := make([]string, len(flags))
	for i, f := range flags {
		ws[i] = string(f)
		if w, ok := wubu.CareFlagChinese[f]; ok && lang != i18n.EN {
			ws[i] = w
		}
	}
	return strings.Join(ws, "、")
}
