package importer

import (
	"archive/zip"
	"bytes"
	"testing"
)

// SheetRows returns the rows of a workbook's first sheet as the import
// reads them, for comparing with excelize.
func SheetRows(data []byte) ([][]string, error) {
	src, err := openXLSX(data)
	if err != nil {
		return nil, err
	}
	defer src.close()
	var out [][]string
	for {
		_, cells, ok, err := src.next()
		if err != nil || !ok {
			return out, err
		}
		out = append(out, append([]string(nil), cells...))
	}
}

// FuzzSheetXML reads arbitrary sheet XML and shared strings inside a valid
// package: the reader may refuse them but must not panic or hang.
func FuzzSheetXML(f *testing.F) {
	f.Add(`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row></sheetData>`, `<sst><si><t>房号</t></si></sst>`)
	f.Add(`<x:sheetData><x:row><x:c t="s"><x:v>7</x:v></x:c><x:c/></x:row><row/></x:sheetData>`, `<sst><si/><si><r><t>a</t></r><rPh><t>b</t></rPh></si></sst>`)
	f.Add(`<row r="99999999999"><c r="ZZZZZZZZ1"><v>&#xFFFFFF;&amp;_x00</v></c></row><!-- x > y -->`, `<si><t>&lt;</t>`)
	f.Fuzz(func(t *testing.T, sheet, sst string) {
		parts := map[string]string{
			"xl/workbook.xml":            `<workbook><sheets><sheet r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
			"xl/worksheets/sheet1.xml":   sheet,
			"xl/sharedStrings.xml":       sst,
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range parts {
			w, _ := zw.Create(name)
			w.Write([]byte(body))
		}
		zw.Close()
		rows, _ := SheetRows(buf.Bytes())
		for _, r := range rows {
			if len(r) > maxColumns {
				t.Fatalf("a row of %d cells", len(r))
			}
		}
		ReadBytes(buf.Bytes(), "fuzz.xlsx")
	})
}
