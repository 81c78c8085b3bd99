package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

var _ wubu.ResidentImporter = (*ResidentService)(nil)

// Messages of the import's row checks, beside the ones it shares with the
// resident forms.
const (
	msgImportRoomMissing   = "The room is missing."
	msgImportRoomUnknown   = "Room %s does not exist in this project: generate its rooms first."
	msgImportRelation      = "Relation %q is not known: write 业主, 租户, 家属 or 准客户."
	msgImportCareFlag      = "Care flag %q is not known: write 独居老人, 行动不便, 困难户 or 孕妇."
	msgImportGender        = "Gender %q is not known: write 男 or 女."
	msgImportDate          = "Date %q is not valid: write it as 2026-11-27."
	msgImportDiffers       = "Row %d gives this resident a different value."
	msgImportSameRoom      = "Row %d already lists this resident in room %s."
	msgImportPlateInFile   = "Plate %s is also given to another resident in row %d."
	msgImportPlateTaken    = "Plate %s is already registered to another resident."
	msgImportCardInFile    = "Card %s is also given to another resident in row %d."
	msgImportCardTaken     = "Card %s is already issued to another resident."
	msgImportCardNumber    = "Card number %q is too long: at most %d characters."
	msgImportExpiryNoCard  = "An expiry needs a card number in the same row."
	msgImportTooManyPhones = "A resident may have at most %d phone numbers."
	msgImportName          = "Name is required and must be at most %d characters."
	msgImportOccupation    = "Occupation must be at most %d characters."
	msgImportNotes         = "Notes must be at most %d characters."
	msgImportNoRelation    = "The file has no relation column (身份): every person would be stored as an owner. Confirm that every person is an owner, or add a 身份 column (业主, 租户, 家属)."
	msgImportUnclearRel    = "Column %q looks like each person's relation but is not understood: name it 身份 (业主, 租户, 家属 or 准客户), or choose what it holds."
	msgImportUnclearRoom   = "Column %q looks like part of the room but is not understood: name the room columns 房号, or 楼栋, 单元 and 房号, or choose what it holds."
	msgImportUnclearPhone  = "Column %q looks like a phone number but is not understood: name it 电话, or choose what it holds (or to ignore it)."
	msgImportPlaceholder   = "%q is a placeholder, not a real value: read as empty."
	msgImportTemplateRow   = "This row is a template's note or example row: skipped."
	msgImportIDBirthday    = "Birthday %s contradicts the ID number, which gives %s: correct one of them, or write 农历 before the birthday if it differs on purpose."
	msgImportIDMan         = "Gender %s contradicts the ID number, which is a man's: correct one of them."
	msgImportIDWoman       = "Gender %s contradicts the ID number, which is a woman's: correct one of them."
)

// unclearMessages give the error of each kind of unclear column.
var unclearMessages = map[string]string{"relation": msgImportUnclearRel, "room": msgImportUnclearRoom, "phone": msgImportUnclearPhone}

// placeholderValues are values resident lists put in a cell to fill it, known
// not to be real: documented dummy phones and ID numbers, and the words
// for "none". They are read as empty, with a warning.
var placeholderValues = map[string]bool{
	"18999999999": true, "11111111111": true, "00000000000": true, "13800138000": true, "12345678901": true,
	"111111111111111111": true, "000000000000000000": true, "123456789012345678": true,
	"无": true, "暂无": true, "没有": true, "空": true, "-": true, "--": true, "/": true, "—": true, "——": true,
	"n/a": true, "N/A": true, "null": true, "NULL": true, "none": true, "None": true,
}

// lunarMarks mark a birthday kept by the lunar calendar, which differs
// from the ID number's on purpose.
var lunarMarks = []string{"农历", "阴历", "(农历)", "（农历）", "(阴历)", "（阴历）"}

// maxPhones is the most phone numbers a resident has.
const maxPhones = 5

// ImportResidents validates a resident list and writes what differs from
// the database, all in one transaction (F6). See wubu.ResidentImporter.
//
// It reads the project's rooms, residents, homes, plates and cards once,
// checks every row against them and against each other, and only if no
// row is wrong writes the differences with multi-row INSERTs: an import of
// 100,000 rows is a few hundred statements, not half a million. Unchanged
// rows write nothing; the whole import is one audit entry, and each
// resident created or changed gets one "import" entry on their timeline
// (its text names the fields changed: phones, homes, plates, cards…).
// Imports credit nobody's contributions (U1): they are not staff's work on
// the profile.
func (s *ResidentService) ImportResidents(ctx context.Context, projectID int64, f *wubu.ImportFile, dryRun bool) (*wubu.ImportResult, error) {
	u, err := wubu.Authorize(ctx, wubu.PermResidentImport, projectID)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, wubu.Errorf(wubu.EINVALID, "The file has no rows to import.")
	}
	res := newImportResult(f, dryRun)
	_, hasRelation := f.Columns[wubu.FieldRelation]
	res.AllOwners = !hasRelation
	// Never guess: columns that look like a relation, a room part or a
	// phone but are not understood are errors, and an owners' list must
	// be confirmed.
	unclearErrors(f, res)
	if res.AllOwners && !f.AllOwners && !dryRun {
		res.Errors = append(res.Errors, &wubu.ImportError{Line: f.HeaderLine, Format: msgImportNoRelation})
	}
	return s.importList(ctx, u, projectID, f, res)
}

// importList checks every row of a resident list, or of a vehicles and
// cards list, against the project and, if none is wrong and res is not a
// dry run, writes the differences in one transaction.
func (s *ResidentService) importList(ctx context.Context, u *wubu.User, projectID int64, f *wubu.ImportFile, res *wubu.ImportResult) (*wubu.ImportResult, error) {
	dryRun := res.DryRun
	tx, end, err := s.db.beginImportTx(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	defer tx.Rollback()

	// Validate every row against the project as it is.
	st, err := loadImportState(ctx, tx, projectID)
	if err != nil {
		return nil, fmt.Errorf("load project for import: %w", err)
	}
	run := newImportRun(f, st, res)
	defer run.pinyinDone()
	for _, row := range f.Rows {
		if len(res.Errors) >= wubu.MaxImportErrors {
			break
		}
		run.row(row)
		if f.Progress != nil {
			f.Progress.Checked.Add(1)
		}
	}
	if n := len(res.Errors); n > 0 {
		res.Preview = run.preview()
		return res, wubu.Errorf(wubu.EINVALID, "The file has %d errors: nothing was imported.", n)
	}

	// Work out what differs, then write it.
	run.pinyinDone()
	w := run.plan(projectID, u)
	res.Created, res.Updated, res.Unchanged = w.created, w.updated, w.unchanged
	res.Preview = run.preview()
	if dryRun || w.created+w.updated == 0 {
		return res, nil
	}
	if err := w.write(ctx, tx); err != nil {
		return nil, fmt.Errorf("write import: %w", err)
	}
	after := map[string]any{"file": f.Name, "rows": res.Rows, "created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged}
	if n := len(w.changed); n > 0 {
		after["changed"] = w.changed[:min(n, maxAuditChanges)]
	}
	if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "resident_list", projectID, nil, after); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit import: %w", err)
	}
	if f.Progress != nil {
		f.Progress.Written.Store(int64(res.Created + res.Updated))
	}
	return res, nil
}

// unclearErrors records an error for each column that looks like a
// relation, a room part or a phone but is not understood.
func unclearErrors(f *wubu.ImportFile, res *wubu.ImportResult) {
	for _, c := range f.Unclear {
		res.Errors = append(res.Errors, &wubu.ImportError{Line: f.HeaderLine, Column: c.Header, Format: unclearMessages[c.Kind], Args: []any{c.Header}})
	}
}

// newImportResult returns the result of importing a file, before any
// row is checked: what the file is, no counts yet.
func newImportResult(f *wubu.ImportFile, dryRun bool) *wubu.ImportResult {
	res := &wubu.ImportResult{Rows: len(f.Rows), DryRun: dryRun, Ignored: f.Ignored, Errors: []*wubu.ImportError{},
		Warnings: []*wubu.ImportError{}, Sheet: f.Sheet, Sheets: f.Sheets, Columns: f.Layout, HeaderLine: f.HeaderLine, Preview: []*wubu.ImportPreview{}}
	if res.Ignored == nil {
		res.Ignored = []string{}
	}
	if res.Sheets == nil {
		res.Sheets = []string{}
	}
	if res.Columns == nil {
		res.Columns = []wubu.ImportColumn{}
	}
	for _, line := range f.TemplateRows {
		res.Warnings = append(res.Warnings, &wubu.ImportError{Line: line, Format: msgImportTemplateRow})
	}
	return res
}

// storedPerson is a resident as the database has them.
type storedPerson struct {
	id                                                  int64
	name, gender, idNumber, birthday, occupation, notes string
	careFlags                                           string // canonical, comma-separated
	phones                                              []string
}

// storedHome is a household as the database has it.
type storedHome struct {
	id, roomID, personID int64
	relation             wubu.Relation
	moveIn, moveOut      string
}

// storedCard is a card as the database has it.
type storedCard struct {
	id, personID int64
	expiresOn    string
}

type cardKey struct {
	kind   wubu.CardKind
	number string
}

type roomName struct {
	roomID int64
	name   string
}

// importState is what the import checks rows against: the project's rooms,
// residents, homes, plates and cards, read once.
type importState struct {
	rooms      map[string]int64 // by label, and by the canonical form of the label
	canonical  map[string]int64 // by the canonical forms of the labels
	roomLabels map[int64]string
	persons    map[int64]*storedPerson
	byIDNumber map[string]int64
	byRoomName map[roomName][]int64
	homes      map[[2]int64]*storedHome // by room and person
	plates     map[string]int64         // plate → person
	cards      map[cardKey]*storedCard
}

func loadImportState(ctx context.Context, tx *Tx, projectID int64) (*importState, error) {
	st := &importState{rooms: map[string]int64{}, roomLabels: map[int64]string{}, canonical: map[string]int64{}, persons: map[int64]*storedPerson{},
		byIDNumber: map[string]int64{}, byRoomName: map[roomName][]int64{}, homes: map[[2]int64]*storedHome{},
		plates: map[string]int64{}, cards: map[cardKey]*storedCard{}}
	each := func(q string, scan func(*sql.Rows) error) error {
		rows, err := tx.query(ctx, q, projectID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	// Rooms, by their label and by the canonical form of it, so "3栋2单元1201"
	// finds 3-2-1201.
	err := each(`SELECT id, label FROM rooms WHERE project_id = ?`, func(r *sql.Rows) error {
		var id int64
		var label string
		if err := r.Scan(&id, &label); err != nil {
			return err
		}
		st.addRoom(id, label)
		return nil
	})
	if err != nil {
		return nil, err
	}
	st.mergeCanonical()
	err = each(`SELECT id, name, gender, id_number, birthday, occupation, notes, care_flags FROM persons WHERE project_id = ?`, func(r *sql.Rows) error {
		p := &storedPerson{}
		if err := r.Scan(&p.id, &p.name, &p.gender, tx.db.openedID(&p.idNumber), &p.birthday, &p.occupation, &p.notes, &p.careFlags); err != nil {
			return err
		}
		p.careFlags = canonicalFlags(splitFlags(p.careFlags))
		st.persons[p.id] = p
		if p.idNumber != "" {
			if prev, ok := st.byIDNumber[p.idNumber]; !ok || p.id < prev {
				st.byIDNumber[p.idNumber] = p.id
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(`SELECT person_id, phone FROM person_phones WHERE project_id = ? ORDER BY person_id, position`, func(r *sql.Rows) error {
		var id int64
		var phone string
		if err := r.Scan(&id, &phone); err != nil {
			return err
		}
		if p := st.persons[id]; p != nil {
			p.phones = append(p.phones, phone)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(`SELECT id, room_id, person_id, relation, move_in, move_out FROM households WHERE project_id = ? ORDER BY person_id`, func(r *sql.Rows) error {
		h := &storedHome{}
		if err := r.Scan(&h.id, &h.roomID, &h.personID, &h.relation, &h.moveIn, &h.moveOut); err != nil {
			return err
		}
		st.homes[[2]int64{h.roomID, h.personID}] = h
		if p := st.persons[h.personID]; p != nil {
			k := roomName{h.roomID, p.name}
			st.byRoomName[k] = append(st.byRoomName[k], p.id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(`SELECT plate, person_id FROM vehicles WHERE project_id = ?`, func(r *sql.Rows) error {
		var plate string
		var id int64
		if err := r.Scan(&plate, &id); err != nil {
			return err
		}
		st.plates[plate] = id
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(`SELECT id, person_id, kind, number, expires_on FROM cards WHERE project_id = ?`, func(r *sql.Rows) error {
		c := &storedCard{}
		var k cardKey
		if err := r.Scan(&c.id, &c.personID, &k.kind, &k.number, &c.expiresOn); err != nil {
			return err
		}
		st.cards[k] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// addRoom records a room by its label and, in canonical, by the
// canonical forms of it: "3-2-0801" is found as 3-2-801 too, as split
// columns read it. A canonical form is used only where no label is it.
func (st *importState) addRoom(id int64, label string) {
	if st.roomLabels == nil {
		st.roomLabels, st.canonical = map[int64]string{}, map[string]int64{}
	}
	st.rooms[label], st.roomLabels[id] = id, label
	if ref, err := cnformat.ParseRoom(label); err == nil {
		st.canonical[ref.String()] = id
		if t := strings.TrimLeft(ref.Room, "0"); t != ref.Room && t != "" {
			ref.Room = t
			st.canonical[ref.String()] = id
		}
	}
}

// mergeCanonical makes the rooms findable by the canonical forms of their
// labels, once every label is known.
func (st *importState) mergeCanonical() {
	for k, id := range st.canonical {
		if _, ok := st.rooms[k]; !ok {
			st.rooms[k] = id
		}
	}
}

// room finds a room by its label as written, or in any form ParseRoom reads.
func (st *importState) room(s string) (int64, bool) {
	if id, ok := st.rooms[s]; ok {
		return id, true
	}
	ref, err := cnformat.ParseRoom(s)
	if err != nil {
		return 0, false
	}
	id, ok := st.rooms[ref.String()]
	return id, ok
}

// canonicalFlags returns care flags in the order of wubu.CareFlags, joined.
func canonicalFlags(flags []wubu.CareFlag) string {
	var out []wubu.CareFlag
	for _, f := range wubu.CareFlags {
		if slices.Contains(flags, f) {
			out = append(out, f)
		}
	}
	return joinFlags(out)
}

// importValue is a value a resident's rows give, with the row that first
// gave it.
type importValue struct {
	v    string
	line int
	set  bool
}

// importPerson is one resident of the file: the rows that name them,
// merged.
type importPerson struct {
	line   int           // the first row
	stored *storedPerson // nil for a new resident
	id     int64         // once written
	status string        // once planned: "new", "changed" or "unchanged"

	name, idNumber, gender, birthday, occupation, notes, phones, careFlags importValue
	pinyin                                                                 [2]string // of a new resident's name: initials, full

	homes  []*importHome
	plates []string
	cards  []*importCard
}

type importHome struct {
	line            int
	roomID          int64
	label           string
	relation        wubu.Relation // "" if the row does not say
	moveIn, moveOut string
}

type importCard struct {
	key     cardKey
	expires string
	line    int
}

type plateUse struct {
	p    *importPerson
	line int
}

// importRun validates the rows of one import.
type importRun struct {
	f   *wubu.ImportFile
	st  *importState
	res *wubu.ImportResult

	persons []*importPerson
	stored  map[int64]*importPerson  // by stored person
	byID    map[string]*importPerson // by ID number
	byRoom  map[roomName]*importPerson
	plates  map[string]plateUse
	cards   map[cardKey]plateUse

	pinyin   chan *importPerson // new residents whose names need pinyin
	pinyinWG sync.WaitGroup

	// For a vehicles list: stored persons by name, and their rooms'
	// labels, made when first needed.
	byName  map[string][]int64
	roomsOf map[int64][]string
}

func newImportRun(f *wubu.ImportFile, st *importState, res *wubu.ImportResult) *importRun {
	v := &importRun{f: f, st: st, res: res, stored: map[int64]*importPerson{}, byID: map[string]*importPerson{},
		byRoom: map[roomName]*importPerson{}, plates: map[string]plateUse{}, cards: map[cardKey]plateUse{},
		pinyin: make(chan *importPerson, 1024)}
	// The pinyin of new residents' names is worked out on another core
	// while the rows are checked: for a big import it is a good part of
	// the work.
	v.pinyinWG.Add(1)
	go func(names <-chan *importPerson) {
		defer v.pinyinWG.Done()
		for p := range names {
			p.pinyin = [2]string{cnformat.PinyinInitials(p.name.v), cnformat.PinyinFull(p.name.v)}
		}
	}(v.pinyin)
	return v
}

// pinyinDone waits for the pinyin of every new resident's name.
func (v *importRun) pinyinDone() {
	if v.pinyin != nil {
		close(v.pinyin)
		v.pinyin = nil
	}
	v.pinyinWG.Wait()
}

// fail records a problem of a cell.
func (v *importRun) fail(line int, field wubu.ImportField, value, format string, args ...any) {
	if len(v.res.Errors) >= wubu.MaxImportErrors {
		return
	}
	v.res.Errors = append(v.res.Errors, &wubu.ImportError{Line: line, Column: v.f.Column(field), Value: value, Format: format, Args: args})
}

// failParse records a cnformat parse error of a cell.
func (v *importRun) failParse(line int, field wubu.ImportField, value string, err error) {
	var ce *cnformat.Error
	if errors.As(err, &ce) {
		v.fail(line, field, value, ce.Format, ce.Args...)
		return
	}
	v.fail(line, field, value, err.Error())
}

// splitList splits a cell holding several values: phones or plates
// separated by / , ; 、 (half- or full-width) or line breaks. Spaces are
// left to the caller, as "138 1234 1234" is one phone.
func splitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case '/', ',', ';', '、', '，', '；', '／', '\n', '\r', '|':
			return true
		}
		return false
	})
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseEach parses the values of a list cell. A part that does not parse
// whole but holds spaces is tried as space-separated values; a part that
// fails is reported.
func (v *importRun) parseEach(line int, field wubu.ImportField, cell string, parse func(string) (string, error)) []string {
	var out []string
	for _, part := range splitList(cell) {
		if n, err := parse(part); err == nil {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
			continue
		} else if !strings.ContainsAny(part, " \t\u3000") {
			v.failParse(line, field, part, err)
			continue
		}
		for _, w := range strings.Fields(strings.ReplaceAll(part, "\u3000", " ")) {
			n, err := parse(w)
			if err != nil {
				v.failParse(line, field, w, err)
				continue
			}
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// parseImportDate reads a date as resident lists write it: 2026-11-27,
// 2026/11/27, 2026.11.27, 20261127 or 2026年11月27日.
func parseImportDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	var y, m, d int
	var err error
	if len(s) == 8 && isDigits(s) {
		y, _ = strconv.Atoi(s[:4])
		m, _ = strconv.Atoi(s[4:6])
		d, _ = strconv.Atoi(s[6:])
	} else {
		// A time after the date ("2026-11-27 00:00:00") is dropped.
		if i := strings.IndexAny(s, " T"); i > 0 {
			s = s[:i]
		}
		s = strings.TrimSuffix(s, "日")
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' || r == '年' || r == '月' })
		if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
			return "", false
		}
		nums := [3]*int{&y, &m, &d}
		for i, p := range parts {
			if *nums[i], err = strconv.Atoi(p); err != nil || !isDigits(p) {
				return "", false
			}
		}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, cst)
	if y < 1900 || y > 2100 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// row validates one row and merges it into its resident.
func (v *importRun) row(r *wubu.ImportRow) {
	line := r.Line
	// Placeholders read as empty, with a warning each.
	var blanked []wubu.ImportField
	for f, s := range r.Cells {
		if placeholderValues[strings.TrimSpace(s)] {
			blanked = append(blanked, f)
		}
	}
	cell := func(f wubu.ImportField) string {
		s := strings.TrimSpace(r.Cells[f])
		if blanked != nil && placeholderValues[s] {
			return ""
		}
		return s
	}
	// A vacant room: a room and no person. Templates ask for such rows.
	if cell(wubu.FieldName) == "" && cell(wubu.FieldPhones) == "" && cell(wubu.FieldIDNumber) == "" &&
		cell(wubu.FieldPlates) == "" && cell(wubu.FieldParkingCard) == "" && cell(wubu.FieldAccessCard) == "" {
		v.res.Skipped++
		return
	}
	if blanked != nil {
		slices.SortFunc(blanked, func(a, b wubu.ImportField) int { return strings.Compare(v.f.Column(a), v.f.Column(b)) })
		for _, f := range blanked {
			s := strings.TrimSpace(r.Cells[f])
			v.res.Warnings = append(v.res.Warnings, &wubu.ImportError{Line: line, Column: v.f.Column(f), Value: s, Format: msgImportPlaceholder, Args: []any{s}})
		}
	}

	if v.f.Kind == wubu.ImportVehicles {
		v.vehicleRow(line, cell)
		return
	}

	// The room must exist.
	roomText, roomID := v.roomOf(line, cell)

	// The person's own cells.
	name := cell(wubu.FieldName)
	if !wubu.ValidName(name, 32) {
		v.fail(line, wubu.FieldName, name, msgImportName, 32)
		name = ""
	}
	var idNumber string
	if s := cell(wubu.FieldIDNumber); s != "" {
		var err error
		if idNumber, err = cnformat.ParseIDNumber(s); err != nil {
			v.failParse(line, wubu.FieldIDNumber, s, err)
			idNumber = ""
		}
	}
	phones := v.parseEach(line, wubu.FieldPhones, cell(wubu.FieldPhones), cnformat.NormalizeMobile)
	if len(phones) > maxPhones {
		v.fail(line, wubu.FieldPhones, cell(wubu.FieldPhones), msgImportTooManyPhones, maxPhones)
		phones = nil
	}
	var gender string
	if s := cell(wubu.FieldGender); s != "" {
		var ok bool
		if gender, ok = wubu.ParseGender(s); !ok {
			v.fail(line, wubu.FieldGender, s, msgImportGender, s)
		}
	}
	var relation wubu.Relation
	if s := cell(wubu.FieldRelation); s != "" {
		var ok bool
		if relation, ok = wubu.ParseRelation(s); !ok {
			v.fail(line, wubu.FieldRelation, s, msgImportRelation, s)
		}
	}
	date := func(f wubu.ImportField) string {
		s := cell(f)
		if s == "" {
			return ""
		}
		d, ok := parseImportDate(s)
		if !ok {
			v.fail(line, f, s, msgImportDate, s)
		}
		return d
	}
	moveIn, moveOut := date(wubu.FieldMoveIn), date(wubu.FieldMoveOut)
	birthday := v.birthday(line, cell(wubu.FieldBirthday), idNumber)
	if gender != "" && idNumber != "" {
		if g, ok := cnformat.IDGender(idNumber); ok && gender != g {
			msg := msgImportIDWoman
			if g == "m" {
				msg = msgImportIDMan
			}
			v.fail(line, wubu.FieldGender, cell(wubu.FieldGender), msg, cell(wubu.FieldGender))
		}
	}

	var flags []wubu.CareFlag
	for _, w := range strings.FieldsFunc(cell(wubu.FieldCareFlags), func(r rune) bool {
		return strings.ContainsRune("/,;、，；／|\n ", r)
	}) {
		f, ok := wubu.ParseCareFlag(w)
		if !ok {
			v.fail(line, wubu.FieldCareFlags, w, msgImportCareFlag, w)
			continue
		}
		flags = append(flags, f)
	}
	occupation, notes := cell(wubu.FieldOccupation), cell(wubu.FieldNotes)
	if utf8.RuneCountInString(occupation) > 64 {
		v.fail(line, wubu.FieldOccupation, occupation, msgImportOccupation, 64)
	}
	if utf8.RuneCountInString(notes) > 2000 {
		v.fail(line, wubu.FieldNotes, notes, msgImportNotes, 2000)
	}
	plates := v.parseEach(line, wubu.FieldPlates, cell(wubu.FieldPlates), cnformat.NormalizePlate)
	cards := v.cardsOf(line, cell, date)

	// Whose row is it?
	p := v.resident(line, roomID, name, idNumber)
	set := func(dst *importValue, field wubu.ImportField, val, raw string) {
		if val == "" {
			return
		}
		if !dst.set {
			*dst = importValue{v: val, line: line, set: true}
		} else if dst.v != val {
			v.fail(line, field, raw, msgImportDiffers, dst.line)
		}
	}
	if p.stored == nil && !p.name.set && name != "" {
		defer func() { v.pinyin <- p }()
	}
	set(&p.name, wubu.FieldName, name, name)
	set(&p.idNumber, wubu.FieldIDNumber, idNumber, cell(wubu.FieldIDNumber))
	set(&p.phones, wubu.FieldPhones, strings.Join(phones, ","), cell(wubu.FieldPhones))
	set(&p.gender, wubu.FieldGender, gender, cell(wubu.FieldGender))
	set(&p.birthday, wubu.FieldBirthday, birthday, cell(wubu.FieldBirthday))
	set(&p.occupation, wubu.FieldOccupation, occupation, occupation)
	set(&p.notes, wubu.FieldNotes, notes, notes)
	set(&p.careFlags, wubu.FieldCareFlags, canonicalFlags(flags), cell(wubu.FieldCareFlags))

	// Their home: one row per resident and room.
	if roomID != 0 {
		for _, h := range p.homes {
			if h.roomID == roomID {
				v.fail(line, wubu.FieldRoom, roomText, msgImportSameRoom, h.line, h.label)
				roomID = 0
				break
			}
		}
	}
	if roomID != 0 {
		p.homes = append(p.homes, &importHome{line: line, roomID: roomID, label: v.st.roomLabels[roomID], relation: relation, moveIn: moveIn, moveOut: moveOut})
	}

	v.assign(p, line, plates, cards)
}

// cardsOf reads the parking and access cards of a row, with their
// expiries.
func (v *importRun) cardsOf(line int, cell func(wubu.ImportField) string, date func(wubu.ImportField) string) []*importCard {
	var cards []*importCard
	for _, c := range []struct {
		kind           wubu.CardKind
		number, expiry wubu.ImportField
	}{{wubu.CardParking, wubu.FieldParkingCard, wubu.FieldParkingExpiry}, {wubu.CardAccess, wubu.FieldAccessCard, wubu.FieldAccessExpiry}} {
		numbers := splitList(strings.ToUpper(cell(c.number)))
		expires := date(c.expiry)
		if len(numbers) == 0 && cell(c.expiry) != "" {
			v.fail(line, c.expiry, cell(c.expiry), msgImportExpiryNoCard)
		}
		for _, n := range numbers {
			if !wubu.ValidName(n, 32) {
				v.fail(line, c.number, n, msgImportCardNumber, n, 32)
				continue
			}
			cards = append(cards, &importCard{key: cardKey{c.kind, n}, expires: expires, line: line})
		}
	}
	return cards
}

// assign gives a row's plates and cards to its resident: each belongs to
// one resident, in the file and in the project.
func (v *importRun) assign(p *importPerson, line int, plates []string, cards []*importCard) {
	storedID := int64(-1)
	if p.stored != nil {
		storedID = p.stored.id
	}
	for _, plate := range plates {
		if u, ok := v.plates[plate]; ok {
			if u.p != p {
				v.fail(line, wubu.FieldPlates, plate, msgImportPlateInFile, plate, u.line)
			}
			continue
		}
		v.plates[plate] = plateUse{p, line}
		if owner, ok := v.st.plates[plate]; ok && owner != storedID {
			v.fail(line, wubu.FieldPlates, plate, msgImportPlateTaken, plate)
			continue
		}
		p.plates = append(p.plates, plate)
	}
	for _, c := range cards {
		field := wubu.FieldParkingCard
		if c.key.kind == wubu.CardAccess {
			field = wubu.FieldAccessCard
		}
		if u, ok := v.cards[c.key]; ok {
			if u.p != p {
				v.fail(line, field, c.key.number, msgImportCardInFile, c.key.number, u.line)
			} else if prev := p.card(c.key); prev != nil && c.expires != "" && prev.expires != c.expires {
				if prev.expires == "" {
					prev.expires = c.expires
				} else {
					v.fail(line, field, c.key.number, msgImportDiffers, u.line)
				}
			}
			continue
		}
		v.cards[c.key] = plateUse{p, line}
		if stored, ok := v.st.cards[c.key]; ok && stored.personID != storedID {
			v.fail(line, field, c.key.number, msgImportCardTaken, c.key.number)
			continue
		}
		p.cards = append(p.cards, c)
	}
}

// roomOf finds the room of a row: its room cell, or its building, unit,
// floor and room-number cells joined. It reports the room as written and
// its ID, 0 if the row's room is missing or unknown (an error then).
func (v *importRun) roomOf(line int, cell func(wubu.ImportField) string) (string, int64) {
	text := cell(wubu.FieldRoom)
	if _, split := v.f.Columns[wubu.FieldBuilding]; split {
		parts := []string{cell(wubu.FieldBuilding), cell(wubu.FieldUnit), cell(wubu.FieldFloor), text}
		text = strings.Join(slices.DeleteFunc(slices.Clone(parts), func(s string) bool { return s == "" }), " ")
		if text == "" {
			v.fail(line, wubu.FieldRoom, "", msgImportRoomMissing)
			return "", 0
		}
		ref, err := cnformat.JoinRoom(parts[0], parts[1], parts[2], parts[3])
		if err != nil {
			v.failParse(line, wubu.FieldBuilding, text, err)
			return text, 0
		}
		if id, ok := v.st.rooms[ref.String()]; ok {
			return text, id
		}
		v.fail(line, wubu.FieldBuilding, text, msgImportRoomUnknown, ref.String())
		return text, 0
	}
	switch id, ok := v.st.room(text); {
	case text == "":
		v.fail(line, wubu.FieldRoom, "", msgImportRoomMissing)
	case ok:
		return text, id
	default:
		if ref, err := cnformat.ParseRoom(text); err != nil {
			v.failParse(line, wubu.FieldRoom, text, err)
		} else {
			v.fail(line, wubu.FieldRoom, text, msgImportRoomUnknown, ref.String())
		}
	}
	return text, 0
}

// birthday reads a row's birthday, which must agree with its ID number
// unless it is marked as lunar (农历), differing on purpose.
func (v *importRun) birthday(line int, s, idNumber string) string {
	if s == "" {
		return ""
	}
	lunar := false
	d := s
	for _, m := range lunarMarks {
		if t, ok := strings.CutPrefix(d, m); ok {
			d, lunar = strings.TrimSpace(t), true
		} else if t, ok := strings.CutSuffix(d, m); ok {
			d, lunar = strings.TrimSpace(t), true
		}
	}
	date, ok := parseImportDate(d)
	if !ok {
		v.fail(line, wubu.FieldBirthday, s, msgImportDate, s)
		return ""
	}
	if t, ok := cnformat.IDBirthDate(idNumber); ok && !lunar && t.Format(time.DateOnly) != date {
		v.fail(line, wubu.FieldBirthday, s, msgImportIDBirthday, date, t.Format(time.DateOnly))
	}
	return date
}

// preview returns the first persons of the file as they will be stored,
// phones and ID numbers masked.
func (v *importRun) preview() []*wubu.ImportPreview {
	out := []*wubu.ImportPreview{}
	for _, p := range v.persons[:min(len(v.persons), wubu.MaxImportPreview)] {
		pv := &wubu.ImportPreview{Line: p.line, Name: p.name.v, Status: p.status, Homes: []wubu.ImportPreviewHome{}, Phones: []string{}}
		if p.stored != nil && pv.Name == "" {
			pv.Name = p.stored.name
		}
		for _, h := range p.homes {
			rel := h.relation
			if rel == "" {
				rel = wubu.RelationOwner
			}
			pv.Homes = append(pv.Homes, wubu.ImportPreviewHome{Room: h.label, Relation: rel})
		}
		if p.phones.v != "" {
			for _, ph := range strings.Split(p.phones.v, ",") {
				pv.Phones = append(pv.Phones, cnformat.MaskPhone(ph))
			}
		}
		if p.idNumber.v != "" {
			pv.IDNumber = cnformat.MaskID(p.idNumber.v)
		}
		out = append(out, pv)
	}
	return out
}

func (p *importPerson) card(k cardKey) *importCard {
	for _, c := range p.cards {
		if c.key == k {
			return c
		}
	}
	return nil
}

// resident finds the resident a row is about: the one with its ID number,
// else the one of its name in its room, in the database or earlier in the
// file; or a new one.
func (v *importRun) resident(line int, roomID int64, name, idNumber string) *importPerson {
	if idNumber != "" {
		if p := v.byID[idNumber]; p != nil {
			return p
		}
		if id, ok := v.st.byIDNumber[idNumber]; ok {
			return v.storedPerson(line, id, idNumber)
		}
	}
	if roomID != 0 && name != "" {
		k := roomName{roomID, name}
		// A resident of that name in the room, with no other ID number.
		for _, id := range v.st.byRoomName[k] {
			if sp := v.st.persons[id]; idNumber == "" || sp.idNumber == "" || sp.idNumber == idNumber {
				if p := v.stored[id]; p != nil && p.idNumber.set && idNumber != "" && p.idNumber.v != idNumber {
					continue
				}
				return v.storedPerson(line, id, idNumber)
			}
		}
		if p := v.byRoom[k]; p != nil && (idNumber == "" || !p.idNumber.set || p.idNumber.v == idNumber) {
			if idNumber != "" {
				v.byID[idNumber] = p
			}
			return p
		}
	}
	p := &importPerson{line: line}
	v.persons = append(v.persons, p)
	if idNumber != "" {
		v.byID[idNumber] = p
	}
	if roomID != 0 && name != "" {
		v.byRoom[roomName{roomID, name}] = p
	}
	return p
}

// storedPerson returns the file's resident for a stored person.
func (v *importRun) storedPerson(line int, id int64, idNumber string) *importPerson {
	p := v.stored[id]
	if p == nil {
		p = &importPerson{line: line, stored: v.st.persons[id], id: id}
		v.stored[id] = p
		v.persons = append(v.persons, p)
	}
	if idNumber != "" {
		v.byID[idNumber] = p
	}
	return p
}

// importWrite is what an import writes: rows to insert, table by table,
// and the updates of stored residents.
type importWrite struct {
	projectID                   int64
	user                        *wubu.User
	created, updated, unchanged int
	// changed lists what changed for each stored resident.
	changed []personChange

	newPersons    []*importPerson
	personUpdates []*importPerson
	phones        []*importPerson // whose phones to write
	homeUpdates   []*storedHome
	cardUpdates   []*storedCard
	// Rows to insert, the values of each row's columns one after another.
	homes, vehicles, cards []any
}

// personChange names the fields of a stored resident an import changed.
type personChange struct {
	PersonID int64    `json:"person_id"`
	Fields   []string `json:"fields"`
}

// maxAuditChanges caps the residents an import's audit entry lists by name
// of what changed; the timeline of each has the rest.
const maxAuditChanges = 1000

// plan works out what the import writes: everything for new residents,
// the differences for stored ones.
func (v *importRun) plan(projectID int64, u *wubu.User) *importWrite {
	w := &importWrite{projectID: projectID, user: u}
	for _, p := range v.persons {
		if p.stored == nil {
			w.created++
			w.newPersons = append(w.newPersons, p)
			p.status = "new"
			continue
		}
		if changed := w.diff(v.st, p); len(changed) > 0 {
			w.updated++
			w.changed = append(w.changed, personChange{PersonID: p.stored.id, Fields: changed})
			p.status = "changed"
		} else {
			w.unchanged++
			p.status = "unchanged"
		}
	}
	return w
}

// diff applies the file's values to a stored resident and names what
// changed; the changes are queued for writing.
func (w *importWrite) diff(st *importState, p *importPerson) []string {
	sp := p.stored
	var changed []string
	person := false
	update := func(field string, dst *string, val importValue) {
		if val.set && val.v != *dst {
			*dst = val.v
			changed = append(changed, field)
			person = true
		}
	}
	update("name", &sp.name, p.name)
	if p.phones.set && p.phones.v != strings.Join(sp.phones, ",") {
		sp.phones = strings.Split(p.phones.v, ",")
		changed = append(changed, "phones")
		w.phones = append(w.phones, p)
	}
	update("id_number", &sp.idNumber, p.idNumber)
	update("gender", &sp.gender, p.gender)
	update("birthday", &sp.birthday, p.birthday)
	if sp.birthday == "" && sp.idNumber != "" {
		// The ID number carries the birthday.
		if t, ok := cnformat.IDBirthDate(sp.idNumber); ok {
			sp.birthday = t.Format(time.DateOnly)
			changed, person = append(changed, "birthday"), true
		}
	}
	update("occupation", &sp.occupation, p.occupation)
	update("notes", &sp.notes, p.notes)
	update("care_flags", &sp.careFlags, p.careFlags)
	if person {
		w.personUpdates = append(w.personUpdates, p)
	}
	homes := false
	for _, h := range p.homes {
		stored := st.homes[[2]int64{h.roomID, sp.id}]
		if stored == nil {
			w.addHome(p, h, sp.id)
			homes = true
			continue
		}
		c := *stored
		if h.relation != "" {
			c.relation = h.relation
		}
		if h.moveIn != "" {
			c.moveIn = h.moveIn
		}
		if h.moveOut != "" {
			c.moveOut = h.moveOut
		}
		if c.relation != stored.relation || c.moveIn != stored.moveIn || c.moveOut != stored.moveOut {
			*stored = c
			w.homeUpdates = append(w.homeUpdates, stored)
			homes = true
		}
	}
	if homes {
		changed = append(changed, "homes")
	}
	plates := false
	for _, plate := range p.plates {
		if _, ok := st.plates[plate]; !ok {
			w.addVehicle(sp.id, plate)
			plates = true
		}
	}
	if plates {
		changed = append(changed, "plates")
	}
	cards := false
	for _, c := range p.cards {
		stored := st.cards[c.key]
		switch {
		case stored == nil:
			w.addCard(sp.id, c)
			cards = true
		case c.expires != "" && c.expires != stored.expiresOn:
			stored.expiresOn = c.expires
			w.cardUpdates = append(w.cardUpdates, stored)
			cards = true
		}
	}
	if cards {
		changed = append(changed, "cards")
	}
	return changed
}

func (w *importWrite) addHome(p *importPerson, h *importHome, personID int64) {
	rel := h.relation
	if rel == "" {
		// A resident list without a relation column is an owners' list.
		rel = wubu.RelationOwner
	}
	w.homes = append(w.homes, w.projectID, h.roomID, personID, string(rel), h.moveIn, h.moveOut)
}

// newCard returns the lookup card of a new resident — first phone, plates
// in the order written, homes with the relation, current ones first then
// by label — as the triggers of migration 00012 would make it from the
// rows written (TestImportLookupCards checks they agree).
func (w *importWrite) newCard(p *importPerson) (phone, plates, homes string) {
	phone, _, _ = strings.Cut(p.phones.v, ",")
	plates = strings.Join(p.plates, string(rune(lookupSep)))
	type home struct{ moveOut, label, rel string }
	hs := make([]home, 0, len(p.homes))
	for _, h := range p.homes {
		rel := h.relation
		if rel == "" {
			rel = wubu.RelationOwner
		}
		hs = append(hs, home{h.moveOut, h.label, string(rel)})
	}
	slices.SortFunc(hs, func(a, b home) int {
		return cmp.Or(strings.Compare(a.moveOut, b.moveOut), strings.Compare(a.label, b.label))
	})
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = h.label + string(rune(lookupRelSep)) + h.rel
	}
	return phone, plates, strings.Join(parts, string(rune(lookupSep)))
}

func (w *importWrite) addVehicle(personID int64, plate string) {
	w.vehicles = append(w.vehicles, w.projectID, personID, plate, reverse(plate), "")
}

func (w *importWrite) addCard(personID int64, c *importCard) {
	w.cards = append(w.cards, w.projectID, personID, string(c.key.kind), c.key.number, c.expires)
}

// write writes the planned rows: new residents first (their IDs taken
// from the database's sequence), then their phones, homes, plates, cards
// and timeline entries, then the updates of stored residents.
func (w *importWrite) write(ctx context.Context, tx *Tx) error {
	now := tx.now
	var createdBy *int64
	if w.user != nil && w.user.ID != 0 {
		createdBy = &w.user.ID
	}
	var userID any
	if createdBy != nil {
		userID = *createdBy
	}
	ids, err := tx.nextIDs(ctx, "persons", len(w.newPersons))
	if err != nil {
		return err
	}
	// The lookup cards of the residents written are filled once at the
	// end, not by a trigger per phone, home and plate.
	resumeCards, err := tx.pauseCards(ctx)
	if err != nil {
		return err
	}
	persons := make([]any, 0, len(w.newPersons)*16)
	for i, p := range w.newPersons {
		p.id = ids[i]
		birthday := p.birthday.v
		if birthday == "" && p.idNumber.v != "" {
			if t, ok := cnformat.IDBirthDate(p.idNumber.v); ok {
				birthday = t.Format(time.DateOnly)
			}
		}
		phone, plates, homes := w.newCard(p)
		sealed, hash, err := tx.db.sealID(p.idNumber.v)
		if err != nil {
			return err
		}
		persons = append(persons, p.id, w.projectID, p.name.v, p.gender.v, sealed, hash, birthday, p.occupation.v, p.notes.v, p.careFlags.v,
			string(wubu.AlarmUnknown), p.pinyin[0], p.pinyin[1], createdBy, now, now, phone, plates, homes)
		if p.phones.v != "" {
			w.phones = append(w.phones, p)
		}
		for _, h := range p.homes {
			w.addHome(p, h, p.id)
		}
		for _, plate := range p.plates {
			w.addVehicle(p.id, plate)
		}
		for _, c := range p.cards {
			w.addCard(p.id, c)
		}
	}
	if err := tx.insertRows(ctx, "persons", []string{"id", "project_id", "name", "gender", "id_number", "id_hash", "birthday", "occupation", "notes", "care_flags",
		"alarm_status", "pinyin_initials", "pinyin_full", "created_by", "created_at", "updated_at", "card_phone", "card_plates", "card_homes"}, persons); err != nil {
		return err
	}

	// Stored residents whose own fields changed.
	if len(w.personUpdates) > 0 {
		stmt, err := tx.PrepareContext(ctx, tx.db.rebind(`UPDATE persons SET name = ?, gender = ?, id_number = ?, id_hash = ?, birthday = ?, occupation = ?, notes = ?, care_flags = ?,
			pinyin_initials = ?, pinyin_full = ?, updated_at = ? WHERE project_id = ? AND id = ?`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, p := range w.personUpdates {
			sp := p.stored
			sealed, hash, err := tx.db.sealID(sp.idNumber)
			if err != nil {
				return err
			}
			if _, err := stmt.ExecContext(ctx, sp.name, sp.gender, sealed, hash, sp.birthday, sp.occupation, sp.notes, sp.careFlags,
				cnformat.PinyinInitials(sp.name), cnformat.PinyinFull(sp.name), now, w.projectID, sp.id); err != nil {
				return err
			}
		}
	}

	// Phones: a stored resident's are replaced.
	var phones []any
	var replaced []int64
	for _, p := range w.phones {
		list := p.phones.v
		if p.stored != nil {
			replaced = append(replaced, p.id)
		}
		for i, ph := range strings.Split(list, ",") {
			phones = append(phones, w.projectID, p.id, i, ph, ph[len(ph)-4:])
		}
	}
	for start := 0; start < len(replaced); start += 500 {
		chunk := replaced[start:min(start+500, len(replaced))]
		if _, err := tx.exec(ctx, `DELETE FROM person_phones WHERE project_id = ? AND person_id IN (`+placeholders(len(chunk))+`)`,
			append([]any{w.projectID}, int64Args(chunk)...)...); err != nil {
			return err
		}
	}
	if err := tx.insertRows(ctx, "person_phones", []string{"project_id", "person_id", "position", "phone", "last4"}, phones); err != nil {
		return err
	}

	// Homes, plates and cards.
	homes := make([]any, 0, len(w.homes)/6*8)
	for i := 0; i < len(w.homes); i += 6 {
		homes = append(homes, w.homes[i:i+6]...)
		homes = append(homes, now, originImport)
	}
	if err := tx.insertRows(ctx, "households", []string{"project_id", "room_id", "person_id", "relation", "move_in", "move_out", "created_at", "origin"}, homes); err != nil {
		return err
	}
	for _, h := range w.homeUpdates {
		if _, err := tx.exec(ctx, `UPDATE households SET relation = ?, move_in = ?, move_out = ? WHERE project_id = ? AND id = ?`,
			string(h.relation), h.moveIn, h.moveOut, w.projectID, h.id); err != nil {
			return err
		}
	}
	vehicles := make([]any, 0, len(w.vehicles)/5*6)
	for i := 0; i < len(w.vehicles); i += 5 {
		vehicles = append(vehicles, w.vehicles[i:i+5]...)
		vehicles = append(vehicles, now)
	}
	if err := tx.insertRows(ctx, "vehicles", []string{"project_id", "person_id", "plate", "plate_rev", "note", "created_at"}, vehicles); err != nil {
		return err
	}
	cards := make([]any, 0, len(w.cards)/5*6)
	for i := 0; i < len(w.cards); i += 5 {
		cards = append(cards, w.cards[i:i+5]...)
		cards = append(cards, now)
	}
	if err := tx.insertRows(ctx, "cards", []string{"project_id", "person_id", "kind", "number", "expires_on", "created_at"}, cards); err != nil {
		return err
	}
	for _, c := range w.cardUpdates {
		if _, err := tx.exec(ctx, `UPDATE cards SET expires_on = ? WHERE project_id = ? AND id = ?`, c.expiresOn, w.projectID, c.id); err != nil {
			return err
		}
	}

	// One timeline entry for each resident created or changed.
	timeline := make([]any, 0, (len(w.newPersons)+len(w.changed))*6)
	for _, p := range w.newPersons {
		timeline = append(timeline, w.projectID, p.id, now, "import", "", userID)
	}
	for _, c := range w.changed {
		timeline = append(timeline, w.projectID, c.PersonID, now, "import", strings.Join(c.Fields, ","), userID)
	}
	if err := tx.insertRows(ctx, "timeline", []string{"project_id", "person_id", "at", "kind", "text", "user_id"}, timeline); err != nil {
		return err
	}
	// New residents' cards were written with them (newCard); stored
	// residents who changed get theirs filled.
	touched := make([]int64, 0, len(w.changed))
	for _, c := range w.changed {
		touched = append(touched, c.PersonID)
	}
	return resumeCards(ctx, w.projectID, touched)
}

// nextIDs reserves n IDs of a table: from its identity sequence on
// PostgreSQL; past its largest ID on SQLite, where the write transaction
// holds the database's only write lock.
func (tx *Tx) nextIDs(ctx context.Context, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	if tx.db.Dialect == Postgres {
		rows, err := tx.query(ctx, `SELECT nextval(pg_get_serial_sequence('`+table+`', 'id')) FROM generate_series(1, CAST(? AS integer))`, n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	var last int64
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last); err != nil {
		return nil, err
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}

// ExportResidents returns the resident list of the filter for a
// spreadsheet, with phones and ID numbers in full for callers who may
// reveal them, and records the export in the audit log.
func (s *ResidentService) ExportResidents(ctx context.Context, f wubu.ResidentFilter) ([]*wubu.ResidentRow, error) {
	u, err := wubu.Authorize(ctx, wubu.PermResidentImport, f.ProjectID)
	if err != nil {
		return nil, err
	}
	f.Offset, f.Limit = 0, maxExportRows
	rows, total, err := s.FindResidents(ctx, f)
	if err != nil {
		return nil, err
	}
	if total > maxExportRows {
		return nil, wubu.Errorf(wubu.EINVALID, "The list has %d rows, more than one export holds (%d): choose a building.", total, maxExportRows)
	}
	phones, ids := u.Can(wubu.PermRevealPhone), u.Can(wubu.PermRevealID)
	if len(rows) > 0 && (phones || ids) {
		byPerson := map[int64][]*wubu.ResidentRow{}
		for _, r := range rows {
			byPerson[r.Person.ID] = append(byPerson[r.Person.ID], r)
			if phones {
				r.Person.Phones = []string{}
			}
		}
		if phones {
			err := s.eachRow(ctx, `SELECT person_id, phone FROM person_phones WHERE project_id = ? ORDER BY person_id, position`, []any{f.ProjectID}, func(id int64, v string) {
				for _, r := range byPerson[id] {
					r.Person.Phones = append(r.Person.Phones, v)
				}
			})
			if err != nil {
				return nil, err
			}
		}
		if ids {
			var openErr error
			err := s.eachRow(ctx, `SELECT id, id_number FROM persons WHERE project_id = ? AND id_number <> ''`, []any{f.ProjectID}, func(id int64, v string) {
				v, err := s.db.openID(v)
				openErr = cmp.Or(openErr, err)
				for _, r := range byPerson[id] {
					r.Person.IDNumber = v
				}
			})
			if err = cmp.Or(err, openErr); err != nil {
				return nil, err
			}
			// Beside the full ID number, the birthday with its year.
			err = s.eachRow(ctx, `SELECT id, birthday FROM persons WHERE project_id = ? AND birthday <> ''`, []any{f.ProjectID}, func(id int64, v string) {
				for _, r := range byPerson[id] {
					r.Person.Birthday = v
				}
			})
			if err != nil {
				return nil, err
			}
		}
		for _, r := range rows {
			r.Person.Masked = !phones || !ids
		}
	}
	if rows == nil {
		rows = []*wubu.ResidentRow{}
	}

	// The export is a read of every phone and ID number it holds.
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	pid := f.ProjectID
	e := &wubu.AuditEntry{Action: wubu.ActionRead, ObjectType: "resident_list", ObjectID: fmt.Sprint(pid), Field: "export", ProjectID: &pid}
	after := map[string]any{"rows": len(rows), "phones": phones, "id_numbers": ids}
	if f.BuildingID != nil {
		after["building_id"] = *f.BuildingID
	}
	if f.Relation != nil {
		after["relation"] = *f.Relation
	}
	if f.CareFlag != nil {
		after["care_flag"] = *f.CareFlag
	}
	b, err := json.Marshal(after)
	if err != nil {
		return nil, err
	}
	e.After = string(b)
	if err := tx.writeAudit(ctx, e); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return rows, nil
}

// maxExportRows is the most rows one export holds; FindResidents lists at
// most as many.
const maxExportRows = 200000
