// Package importer reads resident lists from .xlsx and .csv files as
// property companies keep them, validates every row, and writes the error
// report; it also exports resident lists to .xlsx.
//
// Reading finds the columns by their headers, in Chinese or English and in
// any order (see Headers), and hands the cells' text to
// wubu.ResidentImporter, which checks every row against the formats and the
// project's rooms, plates and cards before it writes anything.
package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/wubu-oss/wubu"
)

// Limits of a file to import.
const (
	// MaxFileSize is the largest file read.
	MaxFileSize = 64 << 20
	// MaxRows is the most data rows one file may hold.
	MaxRows = 200000
	// headerSearchRows is how many rows at the top may come before the
	// header row (a title such as "丽景苑业主名册", instructions such as
	// "1. 房号请按 3-2-1201 填写").
	headerSearchRows = 30
)

// Messages of file-level problems: any of them and nothing is imported.
const (
	msgEmpty         = "The file is empty."
	msgTooLarge      = "The file is larger than %d MB: split it into smaller files."
	msgNotSpreadsht  = "The file is not a spreadsheet: import an .xlsx or .csv file."
	msgOldExcel      = "This is an old Excel .xls file (Excel 97-2003, WPS) or a password-protected workbook: open it in Excel and choose File > Save As > Excel Workbook (*.xlsx), or in WPS 文件 > 另存为 > Excel 文件(*.xlsx), without a password, then import the .xlsx."
	msgNoHeader      = "No header row found: the first row must name the columns, such as 房号, 姓名, 电话."
	msgNoRoomColumn  = "The room column (房号) is missing: a resident list needs a room and a name column."
	msgNoNameColumn  = "The name column (姓名) is missing: a resident list needs a room and a name column."
	msgSameColumn    = "Columns %q and %q hold the same information: keep one of them."
	msgTooManyRows   = "The file has more than %d rows: split it into smaller files."
	msgNoRows        = "The file has a header row but no residents."
	msgIgnoredColumn = "Column %q is not known and was ignored."
	msgNoSheet       = "The workbook has no sheet %q: its sheets are %s."
	msgManySheets    = "The workbook has resident lists on several sheets (%s): choose the sheet to import."
	msgNoVehicleCols = "A list of vehicles and cards needs a name column (姓名) and a plate (车牌) or card column (车位卡, 门禁卡)."
	msgPartsNoBldg   = "Column %q gives part of the room, but there is no building column (楼栋): add it, or write the whole room (3-2-1201) in the room column."
)

// Header is a column of a resident list: the field and the names it goes
// by, the first Chinese and English ones being what an export writes.
type Header struct {
	Field   wubu.ImportField
	Chinese []string
	English []string
}

// Headers lists every column the import understands, in export order.
// Headers are matched ignoring case, spaces, underscores, hyphens, a
// leading * (a required-column mark) and a trailing colon; a header with a
// note in brackets ("电话(手机)") is matched without it if it is not known
// whole.
var Headers = []Header{
	{wubu.FieldRoom, []string{"房号", "房间", "房屋", "房间号", "房屋编号", "房号名称", "门牌号", "位置", "房屋位置", "房产位置", "房屋名称", "房产名称",
		"房屋编码", "所属房屋", "房间编号", "室号"}, []string{"Room", "room no", "room number", "flat", "apartment", "location"}},
	{wubu.FieldName, []string{"姓名", "客户姓名", "业主姓名", "住户姓名", "客户名称", "名字", "业主名称", "住户名称", "人员姓名", "成员姓名", "业主", "住户"},
		[]string{"Name", "full name", "owner name", "resident name", "resident"}},
	{wubu.FieldGender, []string{"性别"}, []string{"Gender", "sex"}},
	{wubu.FieldPhones, []string{"电话", "手机", "手机号", "手机号码", "联系电话", "电话号码", "联系方式", "移动电话", "联系手机", "业主电话", "业主手机",
		"客户电话", "住户电话"}, []string{"Phone", "phones", "mobile", "tel", "telephone", "phone number", "mobile number"}},
	{wubu.FieldIDNumber, []string{"身份证号", "身份证", "身份证号码", "证件号", "证件号码", "证件编号", "身份证件号码"}, []string{"ID number", "id no", "id card", "id card number"}},
	{wubu.FieldRelation, []string{"身份", "关系", "客户类型", "住户类型", "客户身份", "业主类型", "与业主关系", "与户主关系", "人员类型", "人员身份", "住户身份",
		"住户关系", "客户关系", "成员关系"}, []string{"Relation", "relationship", "relation to owner", "resident type", "role"}},
	{wubu.FieldPlates, []string{"车牌", "车牌号", "车牌号码"}, []string{"Plates", "plate", "plate number", "car plate"}},
	{wubu.FieldParkingCard, []string{"车位卡", "停车卡", "车位卡号", "停车卡号"}, []string{"Parking card", "parking cards"}},
	{wubu.FieldParkingExpiry, []string{"车位卡有效期", "停车卡到期", "停车卡有效期", "车位卡到期", "车位卡到期日"}, []string{"Parking card expiry", "parking expiry"}},
	{wubu.FieldAccessCard, []string{"门禁卡", "门禁卡号"}, []string{"Access card", "access cards"}},
	{wubu.FieldAccessExpiry, []string{"门禁卡有效期", "门禁卡到期", "门禁卡到期日"}, []string{"Access card expiry", "access expiry"}},
	{wubu.FieldBirthday, []string{"生日", "出生日期", "出生年月", "出生年月日"}, []string{"Birthday", "date of birth", "birth date"}},
	{wubu.FieldMoveIn, []string{"入住日期", "入住时间", "入住"}, []string{"Move in", "move in date"}},
	{wubu.FieldMoveOut, []string{"迁出日期", "搬离日期", "迁出"}, []string{"Move out", "move out date"}},
	{wubu.FieldCareFlags, []string{"关怀", "关爱标签", "关怀标签", "关怀对象", "特殊关怀"}, []string{"Care", "care flags"}},
	{wubu.FieldOccupation, []string{"职业"}, []string{"Occupation", "job"}},
	{wubu.FieldNotes, []string{"备注", "说明"}, []string{"Notes", "note", "remarks"}},
}

// RoomPartHeaders are the columns of a room kept in parts: with a
// building column, the room column (房号) holds the room's number only.
// An export writes the room whole.
var RoomPartHeaders = []Header{
	{wubu.FieldBuilding, []string{"楼栋", "楼号", "栋号", "楼栋号", "楼宇", "楼栋名称", "楼幢", "幢号", "栋", "幢", "楼", "座", "所属楼栋", "楼宇名称"}, []string{"Building", "bldg", "block", "tower"}},
	{wubu.FieldUnit, []string{"单元", "单元号", "单元名称", "所属单元"}, []string{"Unit", "entrance"}},
	{wubu.FieldFloor, []string{"楼层", "层", "所在楼层", "层数"}, []string{"Floor", "storey"}},
}

// AreaHeaders name a room's floor area in a rooms list: the first the
// area (建筑面积); the second an inner area (套内面积), read only when the
// list has no column of the first.
var AreaHeaders = [2]Header{
	{wubu.FieldArea, []string{"建筑面积", "面积", "房屋面积", "产权面积", "建筑面积(㎡)", "面积(㎡)", "建筑面积(平方米)", "面积(平方米)"}, []string{"Area", "floor area", "gross area", "size"}},
	{fieldInnerArea, []string{"套内面积", "使用面积", "套内建筑面积", "套内面积(㎡)", "使用面积(㎡)"}, []string{"Inner area", "net area", "usable area"}},
}

// fieldInnerArea is an inner area column while the header row is read.
const fieldInnerArea wubu.ImportField = "inner_area"

var areaIndex = func() map[string]wubu.ImportField {
	m := map[string]wubu.ImportField{}
	for _, h := range AreaHeaders {
		for _, s := range append(slices.Clone(h.Chinese), h.English...) {
			m[foldHeader(s)] = h.Field
		}
	}
	return m
}()

// areaOf returns the area field a header of a rooms list names.
func areaOf(header string) (wubu.ImportField, bool) {
	h := foldHeader(header)
	if f, ok := areaIndex[h]; ok {
		return f, true
	}
	if i := strings.IndexByte(h, '('); i > 0 {
		f, ok := areaIndex[h[:i]]
		return f, ok
	}
	return "", false
}

// innerArea makes a rooms list's inner area column its area if it has no
// area column, and leaves it out (ignored) otherwise.
func innerArea(cols []wubu.ImportField) {
	to := wubu.FieldArea
	if slices.Contains(cols, wubu.FieldArea) {
		to = ""
	}
	for i, c := range cols {
		if c == fieldInnerArea {
			cols[i] = to
		}
	}
}

// listFields are the fields whose values a file may spread over two
// columns ("手机" and "联系电话"); their cells are joined.
var listFields = map[wubu.ImportField]bool{wubu.FieldPhones: true, wubu.FieldPlates: true, wubu.FieldCareFlags: true}

// dateFields hold dates: a spreadsheet's date cells are read as 2026-11-27.
var dateFields = map[wubu.ImportField]bool{wubu.FieldBirthday: true, wubu.FieldMoveIn: true, wubu.FieldMoveOut: true,
	wubu.FieldParkingExpiry: true, wubu.FieldAccessExpiry: true}

var headerIndex = func() map[string]wubu.ImportField {
	m := map[string]wubu.ImportField{}
	for _, h := range append(slices.Clone(Headers), RoomPartHeaders...) {
		m[foldHeader(string(h.Field))] = h.Field
		for _, s := range append(append([]string{}, h.Chinese...), h.English...) {
			m[foldHeader(s)] = h.Field
		}
	}
	return m
}()

// MappableFields lists the fields a user may map a column to: the
// import's fields and the room parts.
func MappableFields() []wubu.ImportField {
	out := slices.Clone(wubu.ImportFields)
	for _, h := range RoomPartHeaders {
		out = append(out, h.Field)
	}
	return out
}

// KnownField reports whether a column may be mapped to f: a field of
// MappableFields, or wubu.FieldIgnore.
func KnownField(f wubu.ImportField) bool { return f.Mappable() }

// foldHeader returns a header as it is matched.
func foldHeader(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case unicode.IsSpace(r), r == '_', r == '-', r == '*', r == '＊', r == ':', r == '：':
			continue
		case r == '（':
			r = '('
		case r == '）':
			r = ')'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fieldOf returns the field a header names.
func fieldOf(header string) (wubu.ImportField, bool) {
	h := foldHeader(header)
	if f, ok := headerIndex[h]; ok {
		return f, true
	}
	// "电话(手机)": the header without its note.
	if i := strings.IndexByte(h, '('); i > 0 {
		f, ok := headerIndex[h[:i]]
		return f, ok
	}
	// "电话1", "电话2": a list's columns numbered.
	if t := strings.TrimRightFunc(h, unicode.IsDigit); t != h && t != "" {
		if f, ok := headerIndex[t]; ok && listFields[f] {
			return f, true
		}
	}
	return "", false
}

// Kinds of unclear columns: headers that look like a field the import
// must not get wrong, but are not understood.
const (
	unclearRelation = "relation"
	unclearRoom     = "room"
	unclearPhone    = "phone"
)

// unclearKind says what an unknown header looks like: a relation, a room
// part or a phone; "" for a column safe to ignore (序号, 面积, 房屋类型).
func unclearKind(header string) string {
	h := foldHeader(header)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(h, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("面积", "状态", "用途", "性质", "费", "车位", "车库", "证件类型"):
		return ""
	case has("关系", "relation", "role") || (has("身份") && !has("证")) ||
		(has("类型", "类别", "type") && has("业主", "住户", "客户", "人员", "成员", "resident", "owner")):
		return unclearRelation
	case has("类型", "类别", "type"):
		return ""
	case has("电话", "手机", "phone", "mobile", "tel"):
		return unclearPhone
	case has("楼栋", "栋", "幢", "单元", "房号", "房间", "门牌", "位置", "楼号", "building", "room"):
		return unclearRoom
	}
	return ""
}

// invalid returns the EINVALID error of a file-level problem.
func invalid(format string, args ...any) error {
	return wubu.Errorf(wubu.EINVALID, format, args...)
}

// rowSource yields a sheet's rows one at a time with their row numbers.
type rowSource interface {
	next() (line int, cells []string, ok bool, err error)
	// date returns a date cell's text: a spreadsheet's serial number as
	// 2026-11-27.
	date(s string) string
	close() error
}

// Options are what the user chose about a file: its sheet, and what some
// columns hold.
type Options struct {
	// Sheet names the workbook's sheet to read; "" reads the one sheet
	// that holds a resident list.
	Sheet string
	// Columns maps headers, as written in the file, to the field each
	// holds (wubu.FieldIgnore to leave a column out): the columns the
	// import does not know by itself.
	Columns map[string]wubu.ImportField
	// Kind is what the list holds: residents ("" too), rooms, or
	// vehicles and cards. It decides which columns the header row needs.
	Kind wubu.ImportKind
}

// Read reads a resident list from an .xlsx or .csv file (UTF-8, GB18030 as
// saved by Chinese Excel, or UTF-16 text): its header row, found among the
// first rows, and every non-blank row below it. A file that is not a
// spreadsheet, has no header row or lacks the room or name column is
// EINVALID with one clear message; checking the cells is the importer
// service's work.
func Read(r io.Reader, name string) (*wubu.ImportFile, error) {
	return ReadWith(r, name, Options{})
}

// ReadWith is Read with the user's choices.
func ReadWith(r io.Reader, name string, o Options) (*wubu.ImportFile, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return ReadBytesWith(data, name, o)
}

// ReadBytes is Read on a file already in memory.
func ReadBytes(data []byte, name string) (*wubu.ImportFile, error) {
	return ReadBytesWith(data, name, Options{})
}

// ReadBytesWith is ReadWith on a file already in memory. Every visible
// sheet of a workbook is considered: sheets without a resident list
// (instructions, drop-down values) are passed over, and a workbook with
// lists on several sheets needs o.Sheet.
func ReadBytesWith(data []byte, name string, o Options) (*wubu.ImportFile, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid(msgEmpty)
	}
	if len(data) > MaxFileSize {
		return nil, invalid(msgTooLarge, MaxFileSize>>20)
	}
	var f *wubu.ImportFile
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		f, err = readWorkbook(data, o)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return nil, invalid(msgOldExcel)
	default:
		var src rowSource
		if src, err = openCSV(data); err != nil {
			return nil, err
		}
		defer src.close()
		f, err = readRows(src, o)
		var nl notAList
		if errors.As(err, &nl) {
			err = nl.error
		}
	}
	if err != nil {
		return nil, err
	}
	f.Name, f.Kind = name, o.Kind
	return f, nil
}

// notAList is the error of a sheet without a resident list: no header row
// or no rows under it.
type notAList struct{ error }

func (e notAList) Unwrap() error { return e.error }

// readWorkbook reads the sheet chosen, or the one sheet of the workbook
// that holds a resident list.
func readWorkbook(data []byte, o Options) (*wubu.ImportFile, error) {
	src, err := openXLSX(data)
	if err != nil {
		return nil, err
	}
	xs := src.(*xlsxSource)
	defer xs.close()
	names := xs.sheetNames()
	done := func(f *wubu.ImportFile, i int) *wubu.ImportFile {
		f.Sheet, f.Sheets = names[i], names
		return f
	}
	if o.Sheet != "" {
		i := slices.Index(names, strings.TrimSpace(o.Sheet))
		if i < 0 {
			return nil, invalid(msgNoSheet, o.Sheet, strings.Join(names, "、"))
		}
		if err := xs.openSheet(i); err != nil {
			return nil, sourceError(err)
		}
		f, err := readRows(xs, o)
		var nl notAList
		if errors.As(err, &nl) {
			return nil, nl.error
		}
		if err != nil {
			return nil, err
		}
		return done(f, i), nil
	}
	var found []*wubu.ImportFile
	var lists []string
	var first error
	for i := range names {
		if i > 0 {
			if err := xs.openSheet(i); err != nil {
				return nil, sourceError(err)
			}
		}
		f, err := readRows(xs, o)
		var nl notAList
		switch {
		case errors.As(err, &nl):
			if first == nil {
				first = nl.error
			}
		case err != nil:
			return nil, err
		default:
			found, lists = append(found, done(f, i)), append(lists, names[i])
		}
	}
	switch len(found) {
	case 0:
		return nil, first
	case 1:
		return found[0], nil
	}
	return nil, invalid(msgManySheets, strings.Join(lists, "、"))
}

// SheetNames returns the names of the visible sheets of an .xlsx
// workbook, for the user to choose one; nil for any other file.
func SheetNames(data []byte) []string {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil
	}
	src, err := openXLSX(data)
	if err != nil {
		return nil
	}
	defer src.close()
	return src.(*xlsxSource).sheetNames()
}

// readRows finds the header row and reads the rows below it.
func readRows(src rowSource, o Options) (*wubu.ImportFile, error) {
	f := &wubu.ImportFile{Columns: map[wubu.ImportField]string{}, Ignored: []string{}}
	field := func(header string) (wubu.ImportField, bool) {
		if fld, ok := o.Columns[strings.TrimSpace(header)]; ok {
			return fld, fld != wubu.FieldIgnore
		}
		if o.Kind == wubu.ImportRooms {
			if fld, ok := areaOf(header); ok {
				return fld, true
			}
		}
		return fieldOf(header)
	}
	// The header row: the first of the top rows that names a room and a
	// name column; else the problem of the row that names most columns.
	var fields []wubu.ImportField // by column index; "" for an ignored column
	var best []wubu.ImportField
	bestKnown := 0
	for seen := 0; seen < headerSearchRows; {
		line, cells, ok, err := src.next()
		if err != nil {
			return nil, sourceError(err)
		}
		if !ok {
			break
		}
		if blank(cells) {
			continue
		}
		seen++
		cols := make([]wubu.ImportField, len(cells))
		known := map[wubu.ImportField]bool{}
		for i, c := range cells {
			if fld, ok := field(c); ok {
				cols[i], known[fld] = fld, true
			}
		}
		if isHeader(o.Kind, known) {
			innerArea(cols)
			fields, f.HeaderLine = cols, line
			if err := setColumns(f, cells, cols, o); err != nil {
				return nil, err
			}
			break
		}
		if len(known) > bestKnown {
			best, bestKnown = cols, len(known)
		}
	}
	if fields == nil {
		switch {
		case bestKnown == 0:
			return nil, notAList{invalid(msgNoHeader)}
		case o.Kind == wubu.ImportVehicles:
			return nil, notAList{invalid(msgNoVehicleCols)}
		case !contains(best, wubu.FieldRoom):
			return nil, notAList{invalid(msgNoRoomColumn)}
		default:
			return nil, notAList{invalid(msgNoNameColumn)}
		}
	}

	// The rows below it.
	for {
		line, cells, ok, err := src.next()
		if err != nil {
			return nil, sourceError(err)
		}
		if !ok {
			break
		}
		if templateRow(cells) {
			f.TemplateRows = append(f.TemplateRows, line)
			continue
		}
		row := &wubu.ImportRow{Line: line, Cells: make(map[wubu.ImportField]string, len(cells))}
		for i, c := range cells {
			if i >= len(fields) || fields[i] == "" {
				continue
			}
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			fld := fields[i]
			if dateFields[fld] {
				c = src.date(c)
			}
			if prev, ok := row.Cells[fld]; ok && listFields[fld] {
				c = prev + "/" + c
			}
			row.Cells[fld] = c
		}
		if len(row.Cells) == 0 {
			continue
		}
		if len(f.Rows) == MaxRows {
			return nil, invalid(msgTooManyRows, MaxRows)
		}
		f.Rows = append(f.Rows, row)
	}
	if len(f.Rows) == 0 {
		return nil, notAList{invalid(msgNoRows)}
	}
	return f, nil
}

// isHeader reports whether a row naming the fields known is the header
// of a list of the kind: a room and a name for residents; a room for
// rooms; a name and a plate or card for vehicles.
func isHeader(kind wubu.ImportKind, known map[wubu.ImportField]bool) bool {
	switch kind {
	case wubu.ImportRooms:
		return known[wubu.FieldRoom]
	case wubu.ImportVehicles:
		return known[wubu.FieldName] && (known[wubu.FieldPlates] || known[wubu.FieldParkingCard] || known[wubu.FieldAccessCard])
	}
	return known[wubu.FieldRoom] && known[wubu.FieldName]
}

// Words of a template's rows that are not data: a row of notes under the
// header ("必填", "选填"), and the mark of an example row ("示例").
var (
	noteWords    = map[string]bool{"必填": true, "选填": true, "非必填": true, "可选": true, "必填项": true, "选填项": true, "required": true, "optional": true, "Required": true, "Optional": true}
	exampleMarks = map[string]bool{"示例": true, "样例": true, "例": true, "举例": true, "例：": true, "示例：": true, "example": true, "Example": true, "e.g.": true}
	// Headers of columns that only number the rows: left out without a
	// warning.
	numberHeaders = map[string]bool{"序号": true, "编号": true, "行号": true, "no.": true, "no": true, "#": true}
)

// templateRow reports whether a row is a template's note or example row:
// its first cell marks an example, or every cell is a note word.
func templateRow(cells []string) bool {
	first := -1
	for i, c := range cells {
		if strings.TrimSpace(c) != "" {
			first = i
			break
		}
	}
	if first < 0 {
		return false
	}
	c := strings.TrimSpace(cells[first])
	if exampleMarks[c] {
		return true
	}
	if !noteWords[c] {
		return false
	}
	for _, c := range cells[first:] {
		if c = strings.TrimSpace(c); c != "" && !noteWords[c] {
			return false
		}
	}
	return true
}

// sourceError is the message for a file that fails part way through.
func sourceError(err error) error {
	if errors.Is(err, errTooLarge) {
		return invalid(msgTooLarge, maxPartSize>>20)
	}
	return invalid(msgNotSpreadsht)
}

// setColumns records the header row: the header of each field's column,
// and the columns ignored or unclear. Two columns of one field are
// refused, unless the field is a list (two phone columns); so are room
// parts without a building column.
func setColumns(f *wubu.ImportFile, cells []string, cols []wubu.ImportField, o Options) error {
	for i, fld := range cols {
		header := strings.TrimSpace(cells[i])
		if header == "" && fld == "" {
			continue
		}
		col := wubu.ImportColumn{Header: header, Field: fld}
		if _, chosen := o.Columns[header]; fld == "" && !chosen {
			col.Kind = unclearKind(header)
		}
		f.Layout = append(f.Layout, col)
		if col.Kind != "" {
			f.Unclear = append(f.Unclear, col)
			continue
		}
		if fld == "" {
			if !numberHeaders[foldHeader(header)] {
				f.Ignored = append(f.Ignored, header)
			}
			continue
		}
		if prev, ok := f.Columns[fld]; ok {
			if !listFields[fld] {
				return invalid(msgSameColumn, prev, header)
			}
			continue
		}
		f.Columns[fld] = header
	}
	if _, ok := f.Columns[wubu.FieldBuilding]; !ok {
		if h, ok := f.Columns[wubu.FieldUnit]; ok {
			return invalid(msgPartsNoBldg, h)
		}
		// A floor beside a whole room says nothing more: ignored.
		if h, ok := f.Columns[wubu.FieldFloor]; ok {
			delete(f.Columns, wubu.FieldFloor)
			f.Ignored = append(f.Ignored, h)
			for i := range f.Layout {
				if f.Layout[i].Field == wubu.FieldFloor {
					f.Layout[i].Field = ""
				}
			}
			for i := range cols {
				if cols[i] == wubu.FieldFloor {
					cols[i] = ""
				}
			}
		}
	}
	return nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func contains(fields []wubu.ImportField, f wubu.ImportField) bool {
	for _, g := range fields {
		if g == f {
			return true
		}
	}
	return false
}

// csvSource reads a text file of comma-, tab- or semicolon-separated
// values.
type csvSource struct {
	r *csv.Reader
}

func openCSV(data []byte) (rowSource, error) {
	text, ok := decodeText(data)
	if !ok {
		return nil, invalid(msgNotSpreadsht)
	}
	// The separator is the one the first line uses most.
	first, _, _ := strings.Cut(text, "\n")
	sep, most := ',', strings.Count(first, ",")
	for _, c := range []rune{'\t', ';'} {
		if n := strings.Count(first, string(c)); n > most {
			sep, most = c, n
		}
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes, r.ReuseRecord = sep, -1, true, false
	return &csvSource{r: r}, nil
}

func (s *csvSource) next() (int, []string, bool, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, err
	}
	// The row number as a spreadsheet program shows it: the line the
	// record starts on (blank lines are rows too).
	line, _ := s.r.FieldPos(0)
	return line, rec, true, nil
}

func (s *csvSource) date(v string) string { return v }

func (s *csvSource) close() error { return nil }

// decodeText returns a text file as UTF-8: UTF-8 (with or without a byte
// order mark), UTF-16 with a byte order mark (Excel's "Unicode text"), or
// else GB18030 (Excel's CSV on Chinese Windows). It reports false for a
// file that is not text.
func decodeText(data []byte) (string, bool) {
	var text string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		text = string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		b, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", false
		}
		text = string(b)
	case utf8.Valid(data):
		text = string(data)
	default:
		b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return "", false
		}
		text = string(b)
	}
	// Text has no control characters but tabs and line breaks.
	for _, r := range text {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || r == utf8.RuneError {
			return "", false
		}
	}
	return text, true
}

// excelDate turns a date cell's serial number into 2026-11-27; other
// values are returned as they are.
func excelDate(s string, date1904 bool) string {
	ip, _, _ := strings.Cut(s, ".")
	if len(ip) == 0 || len(ip) > 5 || !isDigits(ip) {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 1 {
		return s
	}
	t, err := excelize.ExcelDateToTime(v, date1904)
	if err != nil {
		return s
	}
	return t.Format("2006-01-02")
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
