package wubu

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
)

// ImportField is a column of a resident list that the import understands
// (F6). Property companies keep one row per person and room; each field is
// a column, found by its header in Chinese or English.
type ImportField string

// Import fields.
const (
	FieldRoom          ImportField = "room"           // 房号: "3-2-1201", "3栋2单元1201"
	FieldName          ImportField = "name"           // 姓名
	FieldGender        ImportField = "gender"         // 性别: 男, 女
	FieldPhones        ImportField = "phones"         // 电话: one or more mobile numbers
	FieldIDNumber      ImportField = "id_number"      // 身份证号
	FieldRelation      ImportField = "relation"       // 身份: 业主, 租户, 家属, 准客户
	FieldPlates        ImportField = "plates"         // 车牌: one or more plates
	FieldParkingCard   ImportField = "parking_card"   // 车位卡 numbers
	FieldParkingExpiry ImportField = "parking_expiry" // 车位卡有效期
	FieldAccessCard    ImportField = "access_card"    // 门禁卡 numbers
	FieldAccessExpiry  ImportField = "access_expiry"  // 门禁卡有效期
	FieldBirthday      ImportField = "birthday"       // 生日
	FieldMoveIn        ImportField = "move_in"        // 入住日期
	FieldMoveOut       ImportField = "move_out"       // 迁出日期
	FieldCareFlags     ImportField = "care_flags"     // 关怀: 独居老人, 行动不便, 困难户, 孕妇
	FieldOccupation    ImportField = "occupation"     // 职业
	FieldNotes         ImportField = "notes"          // 备注

	// The parts of a room kept in columns of their own (楼栋, 单元, 楼层
	// beside 房号): with a building column, the room column holds only
	// the room's number and the import joins the parts.
	FieldBuilding ImportField = "building" // 楼栋: "3", "3栋", "A座"
	FieldUnit     ImportField = "unit"     // 单元: "2", "2单元"
	FieldFloor    ImportField = "floor"    // 楼层: "12"

	// FieldArea is a room's floor area in a rooms list (建筑面积, 面积,
	// 套内面积): "89.5", "89.5㎡", "89.5平方米".
	FieldArea ImportField = "area"

	// FieldIgnore marks a column the user chose to leave out.
	FieldIgnore ImportField = "ignore"
)

// ImportFields lists every import field in the order an export writes them.
var ImportFields = []ImportField{FieldRoom, FieldName, FieldGender, FieldPhones, FieldIDNumber, FieldRelation,
	FieldPlates, FieldParkingCard, FieldParkingExpiry, FieldAccessCard, FieldAccessExpiry,
	FieldBirthday, FieldMoveIn, FieldMoveOut, FieldCareFlags, FieldOccupation, FieldNotes}

// Mappable reports whether a user may say a column holds f: one of
// ImportFields, a room part, or FieldIgnore.
func (f ImportField) Mappable() bool {
	switch f {
	case FieldBuilding, FieldUnit, FieldFloor, FieldIgnore:
		return true
	}
	return slices.Contains(ImportFields, f)
}

// ImportKind is what a list to import holds.
type ImportKind string

// Kinds of lists.
const (
	// ImportResidents: one row per person and room (the default).
	ImportResidents ImportKind = "residents"
	// ImportRooms: one row per room, by building, unit, floor and number;
	// the buildings and units missing are created.
	ImportRooms ImportKind = "rooms"
	// ImportVehicles: plates and cards of residents already known, found
	// by room and name, or by name and phone.
	ImportVehicles ImportKind = "vehicles"
)

// ImportKinds lists the kinds of lists, in the order the screen offers
// them.
var ImportKinds = []ImportKind{ImportResidents, ImportRooms, ImportVehicles}

// Valid reports whether k is a kind of list.
func (k ImportKind) Valid() bool { return slices.Contains(ImportKinds, k) }

// ImportRow is one line of a resident list as read from the file: the text
// of each cell, not yet validated (dates of spreadsheet date cells are
// already written as 2026-11-27). An empty cell, or a column the file does
// not have, gives no information: the import never clears what is stored.
type ImportRow struct {
	// Line is the row number in the spreadsheet, the header being row 1.
	Line int
	// Cells holds the text of each field's cell.
	Cells map[ImportField]string
}

// Get returns the text of the row's cell for the field.
func (r *ImportRow) Get(f ImportField) string { return r.Cells[f] }

// ImportFile is a resident list read from a spreadsheet, ready to import.
type ImportFile struct {
	// Name is the file's name, for the audit log.
	Name string
	// Columns gives, for each field the file has, its header as written
	// in the file, so errors name the column the user sees.
	Columns map[ImportField]string
	// Ignored lists the headers of columns the import does not know: a
	// warning in the report, not an error.
	Ignored []string
	// Rows are the data rows, blank rows left out.
	Rows []*ImportRow

	// HeaderLine is the spreadsheet row of the header (title and
	// instruction rows may come before it).
	HeaderLine int
	// Sheet names the workbook's sheet read ("" for a .csv file); Sheets
	// lists every sheet of the workbook, in order.
	Sheet  string
	Sheets []string
	// Layout tells how each column of the header row was understood, in
	// the file's order.
	Layout []ImportColumn
	// Unclear lists the columns that look like a relation, a room part or
	// a phone but are not understood: each is an error, for guessing
	// would store wrong data.
	Unclear []ImportColumn
	// AllOwners confirms that every person of a file without a relation
	// column is an owner; without it such a file is refused.
	AllOwners bool
	// Kind is what the list holds; "" is a resident list.
	Kind ImportKind
	// TemplateRows are the rows left out as a template's notes ("必填")
	// or example ("示例"): each is a warning.
	TemplateRows []int
	// Progress, if set, counts the rows checked and the persons written
	// while the import runs, for a screen to show.
	Progress *ImportProgress
}

// ImportProgress tells how far a running import is: rows checked out of
// Total, then the persons (or rooms) written.
type ImportProgress struct {
	Total   int
	Checked atomic.Int64
	Written atomic.Int64
}

// ImportColumn is a column of a file's header row and how the import
// understood it: Field is "" for a column ignored; Kind, for an unclear
// column, says what it looks like ("relation", "room", "phone").
type ImportColumn struct {
	Header string      `json:"header"`
	Field  ImportField `json:"field"`
	Kind   string      `json:"kind,omitempty"`
}

// Column returns the header of the field's column as written in the file,
// or the field's name if the file has no such column.
func (f *ImportFile) Column(field ImportField) string {
	if h, ok := f.Columns[field]; ok {
		return h
	}
	return string(field)
}

// ImportError is one problem found in an import file: which cell, what it
// holds and why it is refused. Format is an English message format that
// doubles as the catalogue key, so the report can be shown in the user's
// language; Args fill it in.
type ImportError struct {
	// Line is the spreadsheet row number (the header is row 1); 0 for a
	// problem of the whole file.
	Line   int    `json:"row"`
	Column string `json:"column"` // the header as written in the file
	Value  string `json:"value"`
	Format string `json:"-"`
	Args   []any  `json:"-"`
}

// Message returns the English message.
func (e *ImportError) Message() string {
	if len(e.Args) == 0 {
		return e.Format
	}
	return fmt.Sprintf(e.Format, e.Args...)
}

// ImportResult tells what an import did, or, when Errors is not empty,
// why it did nothing. Counts are of residents (persons): rows of one person
// in several rooms count once.
type ImportResult struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	// Skipped counts the rows of vacant rooms: a room and no person.
	Skipped int  `json:"skipped"`
	DryRun  bool `json:"dry_run"`
	// HeaderLine is the spreadsheet row of the file's header.
	HeaderLine int `json:"header_row"`
	// Sheet names the workbook's sheet read; Sheets lists them all.
	Sheet  string   `json:"sheet"`
	Sheets []string `json:"sheets"`
	// Columns tells how each column was understood.
	Columns []ImportColumn `json:"columns"`
	// AllOwners is set when the file has no relation column, so that every
	// person is stored as an owner: confirmed, or else an error.
	AllOwners bool `json:"all_owners"`
	// Preview holds the first persons of the file as they will be stored.
	Preview []*ImportPreview `json:"preview"`
	// Ignored lists the headers of the columns the import did not know.
	Ignored []string `json:"ignored"`
	// Warnings are values read as empty (placeholders such as a phone of
	// 18999999999): the rest of the row is imported.
	Warnings []*ImportError `json:"warnings"`
	// Errors lists every problem found; if there is one, nothing was
	// written.
	Errors []*ImportError `json:"errors"`
}

// ImportPreview is one person of an import as they will be stored: the
// room label and relation of each row, and whether the person is new,
// changed or unchanged. Phones and ID numbers are masked.
type ImportPreview struct {
	Line     int                 `json:"row"`
	Name     string              `json:"name"`
	Homes    []ImportPreviewHome `json:"homes"`
	Phones   []string            `json:"phones"`
	IDNumber string              `json:"id_number"`
	Status   string              `json:"status"` // "new", "changed", "unchanged"
}

// ImportPreviewHome is a room of a person in an import's preview.
type ImportPreviewHome struct {
	Room     string   `json:"room"`
	Relation Relation `json:"relation"`
}

// MaxImportPreview is how many persons an import's preview shows.
const MaxImportPreview = 20

// MaxImportErrors caps the errors one import reports; past it, the file is
// too far from what the import understands to be worth listing further.
const MaxImportErrors = 100000

// ResidentImporter imports and exports resident lists (F6). Both need
// PermResidentImport on the project: EFORBIDDEN for other roles, ENOTFOUND
// for a project the caller does not serve.
type ResidentImporter interface {
	// ImportResidents validates every row of the file against the formats
	// and the project's rooms, plates and cards, then, if nothing is wrong
	// and dryRun is false, writes the differences in one transaction:
	// new residents are created, changed cells (a new phone) update only
	// what changed, and unchanged rows write nothing at all, not even an
	// audit entry. A resident is found by ID number, else by room and
	// name. If any row is wrong it writes nothing and returns EINVALID
	// together with a result whose Errors lists every problem.
	ImportResidents(ctx context.Context, projectID int64, f *ImportFile, dryRun bool) (*ImportResult, error)

	// ExportResidents returns the resident list of the filter, one row per
	// person and room, for a spreadsheet. Phones and ID numbers are in full
	// for callers who may reveal them (PermRevealPhone, PermRevealID),
	// masked otherwise; each export is one "read" entry in the audit log
	// (object "resident_list", field "export").
	ExportResidents(ctx context.Context, f ResidentFilter) ([]*ResidentRow, error)

	// ImportColumns returns what the project's users chose columns of
	// their files to hold, by header as written: the import applies them
	// to the next file.
	ImportColumns(ctx context.Context, projectID int64) (map[string]ImportField, error)

	// SaveImportColumns remembers what columns hold (FieldIgnore for a
	// column to leave out), replacing earlier choices of the same headers;
	// one audit entry.
	SaveImportColumns(ctx context.Context, projectID int64, cols map[string]ImportField) error

	// ImportRooms imports a list of rooms (ImportRooms): the rooms, and
	// the buildings and units, that do not exist yet are created; rooms
	// that exist are left as they are. All or nothing, like a resident
	// list. It needs PermOrgEdit.
	ImportRooms(ctx context.Context, projectID int64, f *ImportFile, dryRun bool) (*ImportResult, error)

	// ImportVehicles imports plates and cards (ImportVehicles) of
	// residents already known: each row's resident is found by room and
	// name, or by name and phone when the row has no room; a row that
	// finds none, or several, is an error naming them. All or nothing;
	// the same file again writes nothing.
	ImportVehicles(ctx context.Context, projectID int64, f *ImportFile, dryRun bool) (*ImportResult, error)
}

// RelationChinese gives the word a resident list uses for each relation;
// an export writes it, and the import reads it back.
var RelationChinese = map[Relation]string{
	RelationOwner:    "业主",
	RelationTenant:   "租户",
	RelationFamily:   "家属",
	RelationProspect: "准客户",
}

// relationWords are the words resident lists use for relations, beside the
// relations' own names and RelationChinese.
var relationWords = map[string]Relation{
	"产权人": RelationOwner, "房主": RelationOwner, "户主": RelationOwner, "业主本人": RelationOwner, "本人": RelationOwner,
	"产权所有人": RelationOwner, "共有人": RelationOwner, "产权共有人": RelationOwner,
	"租客": RelationTenant, "承租人": RelationTenant, "房屋租客": RelationTenant, "租户本人": RelationTenant, "租住": RelationTenant,
	"家庭成员": RelationFamily, "家人": RelationFamily, "亲属": RelationFamily, "同住人": RelationFamily,
	"配偶": RelationFamily, "夫妻": RelationFamily, "丈夫": RelationFamily, "妻子": RelationFamily,
	"子女": RelationFamily, "儿子": RelationFamily, "女儿": RelationFamily, "孙子": RelationFamily, "孙女": RelationFamily,
	"父母": RelationFamily, "父亲": RelationFamily, "母亲": RelationFamily, "岳父": RelationFamily, "岳母": RelationFamily,
	"公公": RelationFamily, "婆婆": RelationFamily, "兄弟姐妹": RelationFamily, "业主家属": RelationFamily, "亲戚": RelationFamily,
	"意向客户": RelationProspect,
	// The codes of another widely used property system's import templates.
	"1001": RelationOwner, "1002": RelationFamily, "1003": RelationTenant,
	// English words beside the relations' names.
	"spouse": RelationFamily, "child": RelationFamily, "parent": RelationFamily, "family member": RelationFamily,
	"renter": RelationTenant, "lessee": RelationTenant, "landlord": RelationOwner,
}

// ParseRelation reads a relation as resident lists write it: "业主",
// "租户", "家属", "家庭成员", "准客户", a family word ("配偶", "子女",
// "父母"), the codes 1001 (owner), 1002 (family) and 1003 (tenant), or the
// English name ("owner").
func ParseRelation(s string) (Relation, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if r := Relation(s); r.Valid() {
		return r, true
	}
	for r, w := range RelationChinese {
		if w == s {
			return r, true
		}
	}
	r, ok := relationWords[s]
	return r, ok
}

// CareFlagChinese gives the word a resident list uses for each care flag.
var CareFlagChinese = map[CareFlag]string{
	CareElderlyAlone: "独居老人",
	CareMobility:     "行动不便",
	CareHardship:     "困难户",
	CarePregnant:     "孕妇",
}

// ParseCareFlag reads a care flag as resident lists write it: "独居老人",
// "行动不便", "困难户", "孕妇", or the English name ("elderly_alone").
func ParseCareFlag(s string) (CareFlag, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if f := CareFlag(strings.ReplaceAll(s, " ", "_")); f.Valid() {
		return f, true
	}
	for f, w := range CareFlagChinese {
		if w == s {
			return f, true
		}
	}
	return "", false
}

// ParseGender reads a gender as resident lists write it: "男" or "女",
// "m" or "f", "male" or "female". It returns "m" or "f".
func ParseGender(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "男", "m", "male":
		return "m", true
	case "女", "f", "female":
		return "f", true
	}
	return "", false
}
