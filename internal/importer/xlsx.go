package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The .xlsx reader. A workbook is a zip of XML parts; the rows of a sheet
// are read here with a small scanner instead of encoding/xml, which spends
// some 50 µs a row on reflection: reading 100,000 rows takes a fraction of
// a second this way instead of five. Only what a resident list needs is
// understood: the visible sheets' cell values (shared, inline and
// formula strings, numbers, booleans as 1 or 0, ISO dates); styles, formulas and
// everything else are skipped.

// Limits that keep a hostile workbook from eating the server.
const (
	maxPartSize = 512 << 20 // bytes of one decompressed part
	maxCellText = 1 << 16   // bytes of one cell (Excel holds 32,767 characters)
)

var (
	errXLSX     = errors.New("not a readable workbook")
	errTooLarge = errors.New("workbook part too large")
)

// capReader reads at most n bytes and fails past them, so a huge part is
// refused rather than silently cut short.
type capReader struct {
	r io.Reader
	n int64
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n -= int64(n); c.n < 0 {
		return 0, errTooLarge
	}
	return n, err
}

// xlsxSource reads the rows of a workbook's visible sheets, one at a time.
type xlsxSource struct {
	zr       *zip.Reader
	sheets   []xlsxSheet
	sheet    io.ReadCloser
	sc       *xmlScanner
	sst      []string
	date1904 bool
	lastRow  int
	done     bool
}

func openXLSX(data []byte) (rowSource, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, invalid(msgNotSpreadsht)
	}
	s := &xlsxSource{zr: zr}
	if err := s.open(); errors.Is(err, errTooLarge) {
		return nil, invalid(msgTooLarge, maxPartSize>>20)
	} else if err != nil {
		return nil, invalid(msgNotSpreadsht)
	}
	return s, nil
}

// part opens a part of the package by name, ignoring case.
func (s *xlsxSource) part(name string) (io.ReadCloser, error) {
	name = strings.TrimPrefix(name, "/")
	for _, f := range s.zr.File {
		if strings.EqualFold(f.Name, name) {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{&capReader{rc, maxPartSize}, rc}, nil
		}
	}
	return nil, errXLSX
}

// unmarshalPart decodes a small XML part (the workbook, relationships).
func (s *xlsxSource) unmarshalPart(name string, v any) error {
	rc, err := s.part(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// target resolves a relationship's target against the part it belongs to.
func (r *xmlRels) target(base string, match func(id, typ string) bool) string {
	for _, rel := range r.Rels {
		if match(rel.ID, rel.Type) {
			if strings.HasPrefix(rel.Target, "/") {
				return rel.Target[1:]
			}
			return path.Join(path.Dir(base), rel.Target)
		}
	}
	return ""
}

// xlsxSheet is a visible sheet of a workbook: its name and its part.
type xlsxSheet struct {
	name, path string
}

// open finds the workbook, its visible sheets and its shared strings, and
// opens the first sheet.
func (s *xlsxSource) open() error {
	// The workbook part, named by the package's relationships.
	var root xmlRels
	wbPath := "xl/workbook.xml"
	if err := s.unmarshalPart("_rels/.rels", &root); err == nil {
		if t := root.target("", func(_, typ string) bool { return strings.HasSuffix(typ, "/officeDocument") }); t != "" {
			wbPath = t
		}
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			State string     `xml:"state,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := s.unmarshalPart(wbPath, &wb); err != nil {
		return err
	}
	s.date1904 = wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"
	var rels xmlRels
	relsPath := path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels")
	if err := s.unmarshalPart(relsPath, &rels); err != nil {
		return err
	}
	for _, sh := range wb.Sheets {
		if sh.State != "" && sh.State != "visible" {
			continue
		}
		var rid string
		for _, a := range sh.Attrs {
			if a.Name.Local == "id" {
				rid = a.Value
			}
		}
		if p := rels.target(wbPath, func(id, _ string) bool { return id == rid }); rid != "" && p != "" {
			s.sheets = append(s.sheets, xlsxSheet{name: sh.Name, path: p})
		}
	}
	if len(s.sheets) == 0 {
		return errXLSX
	}
	// Shared strings, if the workbook has any.
	if ssPath := rels.target(wbPath, func(_, typ string) bool { return strings.HasSuffix(typ, "/sharedStrings") }); ssPath != "" {
		if err := s.readSharedStrings(ssPath); err != nil {
			return err
		}
	}
	return s.openSheet(0)
}

// openSheet starts reading the i-th visible sheet from its first row.
func (s *xlsxSource) openSheet(i int) error {
	if err := s.close(); err != nil {
		return err
	}
	sheet, err := s.part(s.sheets[i].path)
	if err != nil {
		return err
	}
	s.sheet, s.sc, s.lastRow, s.done = sheet, newXMLScanner(sheet), 0, false
	return nil
}

// sheetNames returns the names of the workbook's visible sheets.
func (s *xlsxSource) sheetNames() []string {
	out := make([]string, len(s.sheets))
	for i, sh := range s.sheets {
		out[i] = sh.name
	}
	return out
}

// readSharedStrings reads the shared string table: each <si> is the text
// of its <t> elements, phonetic runs (<rPh>) left out.
func (s *xlsxSource) readSharedStrings(name string) error {
	rc, err := s.part(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := newXMLScanner(rc)
	var text []byte
	inSI, inT, phonetic := false, false, 0
	for {
		tok, err := sc.next()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		switch {
		case tok.kind == tokText:
			if inSI && inT && phonetic == 0 {
				if text = append(text, tok.text...); len(text) > maxCellText {
					return errXLSX
				}
			}
		case tok.name == "si":
			switch tok.kind {
			case tokStart:
				inSI, text = true, text[:0]
			case tokEnd:
				s.sst = append(s.sst, unescapeText(text))
				inSI = false
			case tokEmpty:
				s.sst = append(s.sst, "")
			}
		case tok.name == "t":
			inT = tok.kind == tokStart
		case tok.name == "rPh":
			if tok.kind == tokStart {
				phonetic++
			} else if tok.kind == tokEnd {
				phonetic--
			}
		}
	}
}

// next returns the next row of the sheet with its row number; rows with
// no cell are left out.
func (s *xlsxSource) next() (int, []string, bool, error) {
	if s.done {
		return 0, nil, false, nil
	}
	var (
		cells           []string
		col, row        = 0, 0
		inRow, inCell   bool
		cellType        string
		val, inline     []byte
		inV, inT, inIS  bool
		phonetic        int
		hasV, hasInline bool
	)
	for {
		tok, err := s.sc.next()
		if err == io.EOF {
			s.done = true
			if inRow && len(cells) > 0 {
				return row, cells, true, nil
			}
			return 0, nil, false, nil
		} else if errors.Is(err, errTooLarge) {
			return 0, nil, false, err
		} else if err != nil {
			return 0, nil, false, errXLSX
		}
		switch tok.kind {
		case tokText:
			switch {
			case inV:
				val = append(val, tok.text...)
			case inIS && inT && phonetic == 0:
				inline = append(inline, tok.text...)
			default:
				continue
			}
			if len(val) > maxCellText || len(inline) > maxCellText {
				return 0, nil, false, errXLSX
			}
		case tokStart, tokEmpty:
			switch tok.name {
			case "row":
				inRow, cells, col = true, cells[:0], 0
				row = s.lastRow + 1
				if r, ok := tok.attr("r"); ok {
					if n, err := strconv.Atoi(string(r)); err == nil && n > 0 {
						row = n
					}
				}
				s.lastRow = row
				if tok.kind == tokEmpty {
					inRow = false
				}
			case "c":
				col++
				if r, ok := tok.attr("r"); ok {
					if n := columnNumber(r); n > 0 {
						col = n
					}
				}
				t, _ := tok.attr("t")
				cellType, val, inline, hasV, hasInline = string(t), val[:0], inline[:0], false, false
				inCell = tok.kind == tokStart
			case "v":
				inV, hasV = inCell && tok.kind == tokStart, true
			case "is":
				inIS, hasInline = inCell && tok.kind == tokStart, true
			case "t":
				inT = inIS && tok.kind == tokStart
			case "rPh":
				if tok.kind == tokStart {
					phonetic++
				}
			}
		case tokEnd:
			switch tok.name {
			case "v":
				inV = false
			case "is":
				inIS = false
			case "t":
				inT = false
			case "rPh":
				phonetic--
			case "c":
				inCell = false
				v, err := s.cellValue(cellType, val, hasV, inline, hasInline)
				if err != nil {
					return 0, nil, false, err
				}
				if v != "" && col <= maxColumns {
					for len(cells) < col-1 {
						cells = append(cells, "")
					}
					if len(cells) == col-1 {
						cells = append(cells, v)
					} else {
						cells[col-1] = v
					}
				}
			case "row":
				inRow = false
				if len(cells) > 0 {
					return row, cells, true, nil
				}
			case "sheetData":
				s.done = true
				return 0, nil, false, nil
			}
		}
	}
}

// maxColumns is the widest row read: a resident list has a dozen columns.
const maxColumns = 256

// cellValue returns the text of a cell: shared strings looked up, inline
// strings as written, numbers as stored.
func (s *xlsxSource) cellValue(typ string, val []byte, hasV bool, inline []byte, hasInline bool) (string, error) {
	switch typ {
	case "s":
		if !hasV {
			return "", nil
		}
		i, err := strconv.Atoi(string(bytes.TrimSpace(val)))
		if err != nil || i < 0 || i >= len(s.sst) {
			return "", errXLSX
		}
		return s.sst[i], nil
	case "inlineStr":
		if hasInline {
			return unescapeText(inline), nil
		}
	}
	return unescapeText(val), nil
}

func (s *xlsxSource) date(v string) string { return excelDate(v, s.date1904) }

func (s *xlsxSource) close() error {
	if s.sheet != nil {
		err := s.sheet.Close()
		s.sheet = nil
		return err
	}
	return nil
}

// columnNumber returns the column of a cell reference: "C12" → 3.
func columnNumber(ref []byte) int {
	n := 0
	for _, c := range ref {
		switch {
		case c >= 'A' && c <= 'Z':
			n = n*26 + int(c-'A') + 1
		case c >= 'a' && c <= 'z':
			n = n*26 + int(c-'a') + 1
		default:
			return n
		}
		if n > 1<<20 {
			return 0
		}
	}
	return n
}

// unescapeText decodes XML character references and OOXML's _xHHHH_
// escapes (Excel writes a carriage return as _x000D_), and reads line
// breaks as XML does.
func unescapeText(b []byte) string {
	if bytes.IndexByte(b, '\r') >= 0 {
		// XML reads a line break written as CR LF or CR as LF.
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	}
	if bytes.IndexByte(b, '&') < 0 && bytes.Index(b, []byte("_x")) < 0 {
		return string(b)
	}
	var out strings.Builder
	out.Grow(len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '&' {
			if j := bytes.IndexByte(b[i:], ';'); j > 1 && j < 12 {
				ent := string(b[i+1 : i+j])
				if r, ok := entity(ent); ok {
					out.WriteRune(r)
					i += j
					continue
				}
			}
		}
		if c == '_' && i+6 < len(b) && b[i+1] == 'x' && b[i+6] == '_' {
			if n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 32); err == nil {
				out.WriteRune(rune(n))
				i += 6
				continue
			}
		}
		out.WriteByte(c)
	}
	return out.String()
}

func entity(s string) (rune, bool) {
	switch s {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if strings.HasPrefix(s, "#") {
		var n uint64
		var err error
		if strings.HasPrefix(s, "#x") || strings.HasPrefix(s, "#X") {
			n, err = strconv.ParseUint(s[2:], 16, 32)
		} else {
			n, err = strconv.ParseUint(s[1:], 10, 32)
		}
		if err == nil && utf8.ValidRune(rune(n)) {
			return rune(n), true
		}
	}
	return 0, false
}

// xmlScanner splits an XML stream into start, end and empty tags and
// text, without decoding entities (the caller does, once per value).
// Comments, processing instructions and CDATA-free documents are what
// spreadsheet programs write; a comment or declaration is skipped.
type xmlScanner struct {
	r   *bufio.Reader
	buf []byte // a tag or text longer than the reader's buffer
	tok xmlToken
}

type tokKind int

const (
	tokText tokKind = iota
	tokStart
	tokEnd
	tokEmpty
)

// xmlToken is a tag (name without its namespace prefix, raw attributes) or
// a run of text. Its slices are valid until the next call of next.
type xmlToken struct {
	kind  tokKind
	name  string
	attrs []byte
	text  []byte
}

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: bufio.NewReaderSize(r, 256<<10)}
}

// readUntil returns the bytes up to and excluding delim.
func (s *xmlScanner) readUntil(delim byte) ([]byte, error) {
	b, err := s.r.ReadSlice(delim)
	if err == nil {
		return b[:len(b)-1], nil
	}
	if err != bufio.ErrBufferFull {
		return nil, err
	}
	s.buf = append(s.buf[:0], b...)
	for {
		b, err = s.r.ReadSlice(delim)
		s.buf = append(s.buf, b...)
		if len(s.buf) > maxCellText+1024 {
			return nil, errXLSX
		}
		if err == nil {
			return s.buf[:len(s.buf)-1], nil
		}
		if err != bufio.ErrBufferFull {
			return nil, err
		}
	}
}

// Element names the reader needs, interned so a token's name costs no
// allocation.
var elementNames = map[string]string{}

func init() {
	for _, n := range []string{"row", "c", "v", "is", "t", "r", "rPh", "si", "f", "sheetData"} {
		elementNames[n] = n
	}
}

func (s *xmlScanner) next() (*xmlToken, error) {
	for {
		// Text up to the next tag.
		text, err := s.readUntil('<')
		if err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, err
		}
		if len(text) > 0 {
			s.tok = xmlToken{kind: tokText, text: text}
			if err := s.unread(); err != nil {
				return nil, err
			}
			return &s.tok, nil
		}
		tag, err := s.readUntil('>')
		if errors.Is(err, errTooLarge) {
			return nil, err
		} else if err != nil {
			return nil, errXLSX
		}
		if len(tag) == 0 || tag[0] == '?' || tag[0] == '!' {
			if bytes.HasPrefix(tag, []byte("!--")) && !bytes.HasSuffix(tag, []byte("--")) {
				// A comment holding '>': read to its end.
				for {
					more, err := s.readUntil('>')
					if err != nil {
						return nil, errXLSX
					}
					if bytes.HasSuffix(more, []byte("--")) {
						break
					}
				}
			}
			continue
		}
		kind := tokStart
		if tag[0] == '/' {
			kind, tag = tokEnd, tag[1:]
		} else if tag[len(tag)-1] == '/' {
			kind, tag = tokEmpty, tag[:len(tag)-1]
		}
		name, attrs := tag, []byte(nil)
		if i := bytes.IndexAny(tag, " \t\r\n"); i >= 0 {
			name, attrs = tag[:i], tag[i+1:]
		}
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		n, ok := elementNames[string(name)]
		if !ok {
			n = "" // an element the reader does not need
		}
		s.tok = xmlToken{kind: kind, name: n, attrs: attrs}
		return &s.tok, nil
	}
}

// unread puts back the '<' that ended a run of text.
func (s *xmlScanner) unread() error {
	return s.r.UnreadByte()
}

// attr returns the raw value of a tag's attribute (without namespace
// prefix).
func (t *xmlToken) attr(name string) ([]byte, bool) {
	a := t.attrs
	for len(a) > 0 {
		a = bytes.TrimLeft(a, " \t\r\n")
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return nil, false
		}
		key := bytes.TrimSpace(a[:eq])
		if i := bytes.IndexByte(key, ':'); i >= 0 {
			key = key[i+1:]
		}
		rest := bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return nil, false
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return nil, false
		}
		if string(key) == name {
			return rest[1 : 1+end], true
		}
		a = rest[end+2:]
	}
	return nil, false
}
