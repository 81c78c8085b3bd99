package wubu

import "context"

// PermResidentRights lets a manager serve a resident's rights under the
// Personal Information Protection Law: a copy of everything held about
// them (Art. 45) and erasure on request (Art. 47).
const PermResidentRights Permission = "resident.rights"

// ActionErase is the audit action of an erasure.
const ActionErase = "erase"

// ErasedName is what an erased person is called from then on.
const ErasedName = "已删除住户"

// PersonData is everything held about one resident: every row of every
// table that names the person, by table, with its columns. The audit log
// is the company's record and is left out.
type PersonData struct {
	PersonID  int64                       `json:"person_id"`
	ProjectID int64                       `json:"project_id"`
	Tables    map[string][]map[string]any `json:"tables"`
}

// ResidentRights serves residents' rights.
type ResidentRights interface {
	// ExportPerson returns everything held about a person, unmasked, and
	// records the export in the audit log. EFORBIDDEN, ENOTFOUND.
	ExportPerson(ctx context.Context, id int64) (*PersonData, error)
	// ErasePerson anonymises a person everywhere but the audit log: name,
	// phones, ID number, photo, plates, cards, special days and free text
	// go; orders, passes and the rest keep their rows. confirm must be the
	// person's current name. The erasure is itself an audit entry.
	ErasePerson(ctx context.Context, id int64, confirm string) error
}
