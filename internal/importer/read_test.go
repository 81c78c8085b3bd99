package importer_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/importer"
)

// workbook builds an .xlsx with the rows on its first sheet, through
// excelize's ordinary (shared strings) writer; fn may add to it.
func workbook(t testing.TB, rows [][]any, fn func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if fn != nil {
		fn(f)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rowsOf returns a file's rows as line: field=value lists, for comparing.
func rowsOf(f *wubu.ImportFile) []string {
	var out []string
	for _, r := range f.Rows {
		var cells []string
		for _, fld := range wubu.ImportFields {
			if v, ok := r.Cells[fld]; ok {
				cells = append(cells, string(fld)+"="+v)
			}
		}
		out = append(out, fmt.Sprintf("%d: %s", r.Line, strings.Join(cells, " ")))
	}
	return out
}

func TestReadXLSX(t *testing.T) {
	// A list as a property company keeps it: a title above the header,
	// Chinese headers in their own order with a required mark and a
	// note, two phone columns, a column the import does not know, a blank
	// row, a phone typed as a number and a birthday as a date cell.
	data := workbook(t, [][]any{
		{"丽景苑业主名册（2026年11月）"},
		nil,
		{"序号", "*姓名", "手机", "房号", "联系电话", "车牌号", "出生日期", "身份", "关怀", "备注(其他)"},
		{1, "张三", 13812345678, "3-2-1201", "13900000000", "粤B 12345", nil, "业主", "独居老人", "a&b <c>"},
		nil,
		{2, " 李四 ", "13812345679", "3栋2单元1202", nil, nil, "1990/1/2", "租户", nil, nil},
	}, func(f *excelize.File) {
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		f.SetCellValue("Sheet1", "G4", time.Date(1985, 6, 7, 0, 0, 0, 0, time.UTC))
		f.SetCellStyle("Sheet1", "G4", "G4", style)
		f.SetCellRichText("Sheet1", "J6", []excelize.RichTextRun{{Text: "rich "}, {Text: "text", Font: &excelize.Font{Bold: true}}})
	})
	f, err := importer.Read(bytes.NewReader(data), "list.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	wantCols := map[wubu.ImportField]string{wubu.FieldName: "*姓名", wubu.FieldPhones: "手机", wubu.FieldRoom: "房号", wubu.FieldPlates: "车牌号",
		wubu.FieldBirthday: "出生日期", wubu.FieldRelation: "身份", wubu.FieldCareFlags: "关怀", wubu.FieldNotes: "备注(其他)"}
	if diff := cmp.Diff(wantCols, f.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	// 序号 only numbers the rows: left out without a warning.
	if diff := cmp.Diff([]string{}, f.Ignored); diff != "" {
		t.Errorf("ignored (-want +got):\n%s", diff)
	}
	want := []string{
		"4: room=3-2-1201 name=张三 phones=13812345678/13900000000 relation=业主 plates=粤B 12345 birthday=1985-06-07 care_flags=独居老人 notes=a&b <c>",
		"6: room=3栋2单元1202 name=李四 phones=13812345679 relation=租户 birthday=1990/1/2 notes=rich text",
	}
	if diff := cmp.Diff(want, rowsOf(f)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

// TestReadMatchesExcelize reads workbooks of every kind of cell with the
// import's own reader and with excelize, and wants the same text: shared
// and inline strings, numbers, booleans, formulas, gaps, escapes.
func TestReadMatchesExcelize(t *testing.T) {
	rows := [][]any{
		{"房号", "姓名", "电话", "备注", "其他"},
		{"1-1-101", "王<五>", 13800000000, "tab\there & \"quotes\" 'apos'", true},
		{"1-1-102", "赵六", 1.5, nil, false},
		{"1-1-103", "  spaces  ", -42, "line\nbreak\r\nCRLF", "日本語ｶﾅ"},
		{nil, nil, nil, nil, "only the last column"},
		{"1-1-104", "_x000D_ literal", "0012", "emoji 😀", 3.14159265358979},
	}
	shared := workbook(t, rows, func(f *excelize.File) {
		f.SetCellFormula("Sheet1", "E7", "1+1")
		f.SetCellValue("Sheet1", "A7", "1-1-105")
		f.SetCellValue("Sheet1", "Z7", "far right")
	})
	// The same rows through the stream writer: inline strings.
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			t.Fatal(err)
		}
	}
	sw.Flush()
	var buf bytes.Buffer
	f.WriteTo(&buf)
	inline := buf.Bytes()

	for name, data := range map[string][]byte{"shared": shared, "inline": inline} {
		t.Run(name, func(t *testing.T) {
			xf, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			want, err := xf.GetRows("Sheet1", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := importer.SheetRows(data)
			if err != nil {
				t.Fatal(err)
			}
			// excelize keeps empty rows as nil; the reader leaves them out.
			var wantRows [][]string
			for _, r := range want {
				if len(r) > 0 {
					wantRows = append(wantRows, r)
				}
			}
			if diff := cmp.Diff(wantRows, got); diff != "" {
				t.Errorf("rows (-excelize +reader):\n%s", diff)
			}
		})
	}
}

func TestReadCSV(t *testing.T) {
	utf8 := "\uFEFFRoom,Name,Phone,ID number,Relation,Plates,Parking card,Parking card expiry\n" +
		"3-2-1201,Zhang San,13812345678,11010519491231002X,owner,\"粤B12345, 粤BD12345\",P001,2027-06-30\n" +
		"\n" +
		"3-2-1202,\"Li, Si\",,,tenant,,,\n"
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String("房号,姓名,手机号\r\n3-2-1201,张三,13812345678\r\n")
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().String("房号\t姓名\t身份证\r\n3-2-1201\t张三\t11010519491231002X\r\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, data string
		want       []string
	}{
		{"UTF8English", utf8, []string{
			"2: room=3-2-1201 name=Zhang San phones=13812345678 id_number=11010519491231002X relation=owner plates=粤B12345, 粤BD12345 parking_card=P001 parking_expiry=2027-06-30",
			"4: room=3-2-1202 name=Li, Si relation=tenant",
		}},
		{"GB18030", gbk, []string{"2: room=3-2-1201 name=张三 phones=13812345678"}},
		{"UTF16Tabs", utf16, []string{"2: room=3-2-1201 name=张三 id_number=11010519491231002X"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := importer.Read(strings.NewReader(c.data), "list.csv")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, rowsOf(f)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadBadFiles: a file that is not a resident list gets one clear
// message.
func TestReadBadFiles(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	zipNotXLSX := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("hello.txt")
		w.Write([]byte("hello"))
		zw.Close()
		return buf.Bytes()
	}()
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"Empty", nil, "The file is empty."},
		{"Blank", []byte(" \r\n\t\n"), "The file is empty."},
		{"Binary", png, "The file is not a spreadsheet: import an .xlsx or .csv file."},
		{"ZipNotWorkbook", zipNotXLSX, "The file is not a spreadsheet: import an .xlsx or .csv file."},
		{"BrokenZip", []byte("PK\x03\x04garbage garbage"), "The file is not a spreadsheet: import an .xlsx or .csv file."},
		{"OldExcel", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00rest"), "This is an old Excel .xls file (Excel 97-2003, WPS) or a password-protected workbook: open it in Excel and choose File > Save As > Excel Workbook (*.xlsx), or in WPS 文件 > 另存为 > Excel 文件(*.xlsx), without a password, then import the .xlsx."},
		{"Prose", []byte("Dear manager,\nplease find the list attached.\n"), "No header row found: the first row must name the columns, such as 房号, 姓名, 电话."},
		{"NoRoomColumn", []byte("姓名,电话\n张三,13812345678\n"), "The room column (房号) is missing: a resident list needs a room and a name column."},
		{"NoNameColumn", []byte("房号,电话\n3-2-1201,13812345678\n"), "The name column (姓名) is missing: a resident list needs a room and a name column."},
		{"TwoNameColumns", []byte("房号,姓名,客户姓名\n3-2-1201,张三,张三\n"), `Columns "姓名" and "客户姓名" hold the same information: keep one of them.`},
		{"HeaderOnly", []byte("房号,姓名\n\n"), "The file has a header row but no residents."},
		{"XLSXWithoutHeader", workbook(t, [][]any{{"a", "b"}, {1, 2}}, nil), "No header row found: the first row must name the columns, such as 房号, 姓名, 电话."},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := importer.ReadBytes(c.data, "bad")
			if wubu.ErrorCode(err) != wubu.EINVALID || wubu.ErrorMessage(err) != c.want {
				t.Errorf("got %v, want EINVALID %q", err, c.want)
			}
		})
	}
}

// TestReadHandWrittenXLSX reads a workbook written as other programs
// write them: namespace prefixes, a hidden first sheet, cells without
// references, empty shared strings, phonetic runs, comments, entities.
func TestReadHandWrittenXLSX(t *testing.T) {
	parts := map[string]string{
		"_rels/.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<x:workbookPr date1904="1"/><x:sheets><x:sheet name="old" sheetId="1" state="hidden" r:id="rId1"/><x:sheet name="名单" sheetId="2" r:id="rId2"/></x:sheets></x:workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/sharedStrings.xml": `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>房号</t></si><si/>` +
			`<si><r><t>张</t></r><r><rPr><b/></rPr><t xml:space="preserve">三 </t></r><rPh sb="0" eb="1"><t>チョウ</t></rPh></si><si><t>姓名</t></si></sst>`,
		"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>hidden</t></is></c></row></sheetData></worksheet>`,
		"xl/worksheets/sheet2.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<!-- a comment with a > in it -->
<x:row r="1"><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>3</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>
<x:row r="3" spans="1:3"><x:c r="A3" s="1"><x:v>12</x:v></x:c><x:c r="B3" t="s"><x:v>2</x:v></x:c><x:c r="C3"/><x:c r="D3" t="str"><x:f>A3&amp;"x"</x:f><x:v>12x</x:v></x:c></x:row>
<x:row/>
<x:row><x:c r="C5" t="inlineStr"><x:is><x:t>a &lt;b&gt; &#x4E2D;&#25991; line&#13;
next_x000D_</x:t></x:is></x:c><x:c t="b"><x:v>1</x:v></x:c></x:row>
</x:sheetData></x:worksheet>`,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	got, err := importer.SheetRows(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"房号", "姓名"},
		{"12", "张三 ", "", "12x"},
		{"", "", "a <b> 中文 line\r\nnext\r", "1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

// TestReadRoomParts reads the room's parts: a unit column needs a
// building column, a floor column beside a whole room is ignored.
func TestReadRoomParts(t *testing.T) {
	data := workbook(t, [][]any{{"房号", "楼层", "姓名"}, {"3-2-1201", "12", "张三"}}, nil)
	f, err := importer.ReadBytes(data, "list.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Columns[wubu.FieldFloor]; ok || !cmp.Equal(f.Ignored, []string{"楼层"}) || f.Rows[0].Cells[wubu.FieldFloor] != "" {
		t.Errorf("floor beside a whole room: got %+v %+v", f.Columns, f.Ignored)
	}
	data = workbook(t, [][]any{{"单元", "房号", "姓名"}, {"2", "1201", "张三"}}, nil)
	if _, err := importer.ReadBytes(data, "list.xlsx"); wubu.ErrorMessage(err) != `Column "单元" gives part of the room, but there is no building column (楼栋): add it, or write the whole room (3-2-1201) in the room column.` {
		t.Errorf("unit without building: got %v", err)
	}
}
