package importer

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
)

// templateColumns are the columns of each kind of list's template, with
// the example row's values; a room is written in its parts, as most
// companies keep it.
var templateColumns = map[wubu.ImportKind][]struct {
	field   wubu.ImportField
	example string
}{
	wubu.ImportResidents: {
		{wubu.FieldBuilding, "3栋"}, {wubu.FieldUnit, "2单元"}, {wubu.FieldRoom, "1201"}, {wubu.FieldName, "张三"},
		{wubu.FieldRelation, "业主"}, {wubu.FieldGender, "男"}, {wubu.FieldPhones, "13812345678"}, {wubu.FieldIDNumber, ""},
		{wubu.FieldPlates, "粤B12345"}, {wubu.FieldParkingCard, "P001"}, {wubu.FieldParkingExpiry, "2027-06-30"},
		{wubu.FieldAccessCard, "A001"}, {wubu.FieldAccessExpiry, ""}, {wubu.FieldBirthday, ""}, {wubu.FieldMoveIn, "2020-05-01"},
		{wubu.FieldCareFlags, ""}, {wubu.FieldOccupation, ""}, {wubu.FieldNotes, ""},
	},
	wubu.ImportRooms: {
		{wubu.FieldBuilding, "3栋"}, {wubu.FieldUnit, "2单元"}, {wubu.FieldFloor, "12"}, {wubu.FieldRoom, "1201"}, {wubu.FieldArea, "89.5"},
	},
	TemplateCards: {
		{wubu.FieldName, "张三"}, {wubu.FieldPhones, "13812345678"}, {wubu.FieldBuilding, "3栋"}, {wubu.FieldUnit, "2单元"}, {wubu.FieldRoom, "1201"},
		{wubu.FieldAccessCard, "A001"}, {wubu.FieldAccessExpiry, "2027-06-30"}, {wubu.FieldParkingCard, ""}, {wubu.FieldParkingExpiry, ""},
	},
	wubu.ImportVehicles: {
		{wubu.FieldPlates, "粤B12345"}, {wubu.FieldName, "张三"}, {wubu.FieldPhones, "13812345678"},
		{wubu.FieldBuilding, "3栋"}, {wubu.FieldUnit, "2单元"}, {wubu.FieldRoom, "1201"},
		{wubu.FieldParkingCard, "P001"}, {wubu.FieldParkingExpiry, "2027-06-30"}, {wubu.FieldAccessCard, ""}, {wubu.FieldAccessExpiry, ""},
	},
}

// TemplateCards is the template of a list of access and parking cards
// alone, without plates; such a list imports as wubu.ImportVehicles.
const TemplateCards wubu.ImportKind = "cards"

// templateRows is how many rows under the header the drop-downs cover.
const templateRows = 5000

// Template writes the .xlsx template of a kind of list in the language:
// the headers the import reads (Chinese for zh-CN), an example row marked
// 示例 in its first column (the import leaves it out), and drop-downs on
// the relation, gender and care columns.
func Template(w io.Writer, kind wubu.ImportKind, lang string) error {
	cols, ok := templateColumns[kind]
	if !ok {
		return wubu.Errorf(wubu.EINVALID, "Kind %q is not known: write residents, rooms or vehicles.", string(kind))
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := i18n.T(lang, "Residents")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	// The first column numbers the rows and marks the example.
	no, example := "序号", "示例"
	if lang == i18n.EN {
		no, example = "No.", "Example"
	}
	if err := f.SetSheetRow(sheet, "A1", &[]any{no}); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", bold); err != nil {
		return err
	}
	if err := f.SetCellStr(sheet, "A2", example); err != nil {
		return err
	}
	for i, c := range cols {
		col, _ := excelize.ColumnNumberToName(i + 2)
		h := headerOf(c.field)
		name := h.Chinese[0]
		if lang == i18n.EN {
			name = h.English[0]
		}
		if err := f.SetColStyle(sheet, col, text); err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, col, col, 14); err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, col+"1", name); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, col+"1", col+"1", bold); err != nil {
			return err
		}
		example := c.example
		if lang == i18n.EN {
			example = englishExample(c.field, example)
		}
		if err := f.SetCellStr(sheet, col+"2", example); err != nil {
			return err
		}
		if list := dropDown(c.field, lang); list != nil {
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, templateRows+1))
			if err := dv.SetDropList(list); err != nil {
				return err
			}
			if c.field == wubu.FieldRelation || c.field == wubu.FieldGender {
				// Other words the import reads (配偶, 1001) stay allowed.
				dv.SetError(excelize.DataValidationErrorStyleWarning, "", i18n.T(lang, "Choose from the list, or write a word the import reads."))
			}
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return err
			}
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// TemplateFileName names a template's download.
func TemplateFileName(kind wubu.ImportKind) string {
	return "wubu-" + string(kind) + "-template.xlsx"
}

// headerOf returns the header of a field.
func headerOf(f wubu.ImportField) Header {
	for _, h := range append(append(slices.Clone(Headers), RoomPartHeaders...), AreaHeaders[0]) {
		if h.Field == f {
			return h
		}
	}
	return Header{Field: f, Chinese: []string{string(f)}, English: []string{string(f)}}
}

// dropDown lists the words a column's drop-down offers, nil for none.
func dropDown(f wubu.ImportField, lang string) []string {
	var out []string
	switch f {
	case wubu.FieldRelation:
		for _, r := range wubu.Relations {
			out = append(out, relationWord(r, lang))
		}
	case wubu.FieldCareFlags:
		for _, c := range wubu.CareFlags {
			out = append(out, careWords([]wubu.CareFlag{c}, lang))
		}
	case wubu.FieldGender:
		out = []string{genderWord("m", lang), genderWord("f", lang)}
	}
	return out
}

// englishExample gives an example cell in English where the Chinese one
// is a word.
func englishExample(f wubu.ImportField, s string) string {
	switch f {
	case wubu.FieldRelation:
		return relationWord(wubu.RelationOwner, i18n.EN)
	case wubu.FieldGender:
		return genderWord("m", i18n.EN)
	case wubu.FieldName:
		return "Zhang San"
	case wubu.FieldBuilding, wubu.FieldUnit:
		return strings.TrimRight(s, "栋单元")
	}
	return s
}
