package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// ResidentService implements wubu.ResidentService.
type ResidentService struct{ db *DB }

// NewResidentService returns a resident service over db.
func NewResidentService(db *DB) *ResidentService { return &ResidentService{db: db} }

// China Standard Time: dates of residents' lives are Chinese dates.
var cst = time.FixedZone("CST", 8*3600)

// personCols returns the columns scanPerson reads, of the persons table
// under the alias.
func personCols(alias string) string {
	return strings.NewReplacer("p.", alias+".").Replace(`p.id, p.project_id, p.name, p.gender, p.id_number, p.birthday, p.occupation, p.notes, p.care_flags, p.importance, p.importance_index, p.alarm_status, p.created_by, p.created_at, p.updated_at,
	EXISTS (SELECT 1 FROM person_photos ph WHERE ph.project_id = p.project_id AND ph.person_id = p.id)`)
}

var personColumns = personCols("persons")

// scanPerson reads a person of personCols, opening the sealed ID number.
func scanPerson(db *DB, s interface{ Scan(...any) error }) (*wubu.Person, error) {
	p := &wubu.Person{}
	var flags string
	err := s.Scan(&p.ID, &p.ProjectID, &p.Name, &p.Gender, db.openedID(&p.IDNumber), &p.Birthday, &p.Occupation, &p.Notes, &flags,
		&p.Importance, &p.ImportanceIndex, &p.AlarmStatus, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt, &p.HasPhoto)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	}
	p.CareFlags = splitFlags(flags)
	return p, err
}

func splitFlags(s string) []wubu.CareFlag {
	out := []wubu.CareFlag{}
	for _, f := range strings.Split(s, ",") {
		if f != "" {
			out = append(out, wubu.CareFlag(f))
		}
	}
	return out
}

func joinFlags(flags []wubu.CareFlag) string {
	ss := make([]string, len(flags))
	for i, f := range flags {
		ss[i] = string(f)
	}
	return strings.Join(ss, ",")
}

// mask hides a person's phones and ID number.
func mask(p *wubu.Person) {
	for i, ph := range p.Phones {
		p.Phones[i] = cnformat.MaskPhone(ph)
	}
	if p.IDNumber != "" {
		p.IDNumber = cnformat.MaskID(p.IDNumber)
	}
	p.Masked = true
}

// normalizePerson validates a person's fields and puts them in their
// normal form. Errors name the field.
func normalizePerson(p *wubu.Person) error {
	p.Name = strings.TrimSpace(p.Name)
	if !wubu.ValidName(p.Name, 32) {
		return wubu.FieldErrorf("name", wubu.EINVALID, "Name is required and must be at most %d characters.", 32)
	}
	phones := []string{}
	for _, ph := range p.Phones {
		if strings.TrimSpace(ph) == "" {
			continue
		}
		n, err := cnformat.NormalizeMobile(ph)
		if err != nil {
			return fieldErr("phones", err)
		}
		if !slices.Contains(phones, n) {
			phones = append(phones, n)
		}
	}
	if len(phones) > 5 {
		return wubu.FieldErrorf("phones", wubu.EINVALID, "A resident may have at most %d phone numbers.", 5)
	}
	p.Phones = phones
	if strings.TrimSpace(p.IDNumber) != "" {
		id, err := cnformat.ParseIDNumber(p.IDNumber)
		if err != nil {
			return fieldErr("id_number", err)
		}
		p.IDNumber = id
	} else {
		p.IDNumber = ""
	}
	if p.Birthday = strings.TrimSpace(p.Birthday); p.Birthday != "" {
		if _, err := parseDate(p.Birthday); err != nil {
			return wubu.FieldErrorf("birthday", wubu.EINVALID, "Date %q is not valid: write it as 2026-11-27.", p.Birthday)
		}
	} else if p.IDNumber != "" {
		// The ID number carries the birthday.
		if t, ok := cnformat.IDBirthDate(p.IDNumber); ok {
			p.Birthday = t.Format(time.DateOnly)
		}
	}
	if p.Gender != "" && p.Gender != "m" && p.Gender != "f" {
		return wubu.FieldErrorf("gender", wubu.EINVALID, "Gender %q is not valid.", p.Gender)
	}
	p.Occupation, p.Notes = strings.TrimSpace(p.Occupation), strings.TrimSpace(p.Notes)
	if utf8.RuneCountInString(p.Occupation) > 64 {
		return wubu.FieldErrorf("occupation", wubu.EINVALID, "Occupation must be at most %d characters.", 64)
	}
	if utf8.RuneCountInString(p.Notes) > 2000 {
		return wubu.FieldErrorf("notes", wubu.EINVALID, "Notes must be at most %d characters.", 2000)
	}
	flags := []wubu.CareFlag{}
	for _, f := range p.CareFlags {
		if !f.Valid() {
			return wubu.FieldErrorf("care_flags", wubu.EINVALID, "Care flag %q is not valid.", string(f))
		}
		if !slices.Contains(flags, f) {
			flags = append(flags, f)
		}
	}
	p.CareFlags = flags
	if p.Importance < 0 || p.Importance > 5 {
		return wubu.FieldErrorf("importance", wubu.EINVALID, "Importance must be between %d and %d.", 0, 5)
	}
	if p.ImportanceIndex < 0 || p.ImportanceIndex > 100 {
		return wubu.FieldErrorf("importance_index", wubu.EINVALID, "Importance index must be between %d and %d.", 0, 100)
	}
	if p.AlarmStatus == "" {
		p.AlarmStatus = wubu.AlarmUnknown
	}
	if !p.AlarmStatus.Valid() {
		return wubu.FieldErrorf("alarm_status", wubu.EINVALID, "Alarm status %q is not valid.", string(p.AlarmStatus))
	}
	return nil
}

// fieldErr turns a cnformat parse error into a domain error on the field.
func fieldErr(field string, err error) error {
	var ce *cnformat.Error
	if errors.As(err, &ce) {
		return &wubu.Error{Code: wubu.EINVALID, Format: ce.Format, Args: ce.Args, Field: field}
	}
	return err
}

func parseDate(s string) (time.Time, error) { return time.ParseInLocation(time.DateOnly, s, cst) }

// validDate returns EINVALID on the field unless s is empty or a date.
func validDate(field, s string) error {
	if s == "" {
		return nil
	}
	if _, err := parseDate(s); err != nil {
		return wubu.FieldErrorf(field, wubu.EINVALID, "Date %q is not valid: write it as 2026-11-27.", s)
	}
	return nil
}

// filledFields lists the profile fields a person has, for the credit of
// who added them (U1).
func filledFields(p *wubu.Person) []string {
	var out []string
	if len(p.Phones) > 0 {
		out = append(out, "phone")
	}
	if p.IDNumber != "" {
		out = append(out, "id_number")
	}
	if p.Birthday != "" {
		out = append(out, "birthday")
	}
	if p.Occupation != "" {
		out = append(out, "occupation")
	}
	if len(p.CareFlags) > 0 {
		out = append(out, "care_flags")
	}
	return out
}

// auditView is what the audit log keeps of a person: never the full phone
// or ID number.
func auditView(p *wubu.Person) *wubu.Person {
	c := *p
	c.Phones = slices.Clone(p.Phones)
	mask(&c)
	return &c
}

// CreatePerson creates a person.
func (s *ResidentService) CreatePerson(ctx context.Context, p *wubu.Person) error {
	u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, p.ProjectID)
	if err != nil {
		return err
	}
	if err := normalizePerson(p); err != nil {
		return err
	}
	if err := u.CheckCardEdit(wubu.PersonParts(p)...); err != nil {
		return err
	}
	if err := checkAgainstID(p, p.BirthdayDiffers); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := checkNotResident(ctx, tx, p, 0, ""); err != nil {
		return err
	}
	if u.ID != 0 {
		p.CreatedBy = &u.ID
	}
	if err := createPerson(ctx, tx, p); err != nil {
		return err
	}
	return tx.Commit()
}

// CreatePersonInRoom creates a person and their home in one transaction.
func (s *ResidentService) CreatePersonInRoom(ctx context.Context, p *wubu.Person, h *wubu.Household) error {
	u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, p.ProjectID)
	if err != nil {
		return err
	}
	if err := normalizePerson(p); err != nil {
		return err
	}
	if err := u.CheckCardEdit(append(wubu.PersonParts(p), wubu.CardRooms)...); err != nil {
		return err
	}
	if err := checkAgainstID(p, p.BirthdayDiffers); err != nil {
		return err
	}
	if !h.Relation.Valid() {
		return wubu.FieldErrorf("relation", wubu.EINVALID, "Relation %q is not valid.", string(h.Relation))
	}
	if err := validDate("move_in", h.MoveIn); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.queryRow(ctx, `SELECT label FROM rooms WHERE project_id = ? AND id = ?`, p.ProjectID, h.RoomID).Scan(&h.RoomLabel); errors.Is(err, sql.ErrNoRows) {
		return wubu.FieldErrorf("room_id", wubu.ENOTFOUND, "Room not found.")
	} else if err != nil {
		return err
	}
	if err := checkNotResident(ctx, tx, p, h.RoomID, h.RoomLabel); err != nil {
		return err
	}
	if u.ID != 0 {
		p.CreatedBy = &u.ID
	}
	if err := createPerson(ctx, tx, p); err != nil {
		return err
	}
	h.ProjectID, h.PersonID, h.PersonName = p.ProjectID, p.ID, p.Name
	if err := addHousehold(ctx, tx, h); err != nil {
		return err
	}
	return tx.Commit()
}

func createPerson(ctx context.Context, tx *Tx, p *wubu.Person) (err error) {
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	sealed, hash, err := tx.db.sealID(p.IDNumber)
	if err != nil {
		return err
	}
	p.ID, err = tx.insert(ctx, `INSERT INTO persons (project_id, name, gender, id_number, id_hash, birthday, occupation, notes, care_flags, importance, importance_index, alarm_status, pinyin_initials, pinyin_full, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ProjectID, p.Name, p.Gender, sealed, hash, p.Birthday, p.Occupation, p.Notes, joinFlags(p.CareFlags), p.Importance, p.ImportanceIndex, p.AlarmStatus,
		cnformat.PinyinInitials(p.Name), cnformat.PinyinFull(p.Name), p.CreatedBy, p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return err
	}
	if err := writePhones(ctx, tx, p); err != nil {
		return err
	}
	if err := credit(ctx, tx, p.ProjectID, p.ID, filledFields(p)...); err != nil {
		return err
	}
	if err := addTimeline(ctx, tx, p.ProjectID, p.ID, "person.created", p.Name); err != nil {
		return err
	}
	return tx.audit(ctx, p.ProjectID, wubu.ActionCreate, "person", p.ID, nil, auditView(p))
}

func writePhones(ctx context.Context, tx *Tx, p *wubu.Person) error {
	if _, err := tx.exec(ctx, `DELETE FROM person_phones WHERE project_id = ? AND person_id = ?`, p.ProjectID, p.ID); err != nil {
		return err
	}
	for i, ph := range p.Phones {
		if _, err := tx.exec(ctx, `INSERT INTO person_phones (project_id, person_id, position, phone, last4) VALUES (?, ?, ?, ?, ?)`,
			p.ProjectID, p.ID, i, ph, ph[len(ph)-4:]); err != nil {
			return err
		}
	}
	return nil
}

// credit records that the caller added fields of a person's profile.
func credit(ctx context.Context, tx *Tx, projectID, personID int64, fields ...string) error {
	u := wubu.UserFromContext(ctx)
	if u == nil || u.ID == 0 {
		return nil
	}
	for _, f := range fields {
		if _, err := tx.exec(ctx, `INSERT INTO contributions (project_id, person_id, user_id, field, at) VALUES (?, ?, ?, ?, ?)`,
			projectID, personID, u.ID, f, tx.now); err != nil {
			return err
		}
	}
	return nil
}

// addTimeline appends an entry to a person's timeline (A3).
func addTimeline(ctx context.Context, tx *Tx, projectID, personID int64, kind, text string) error {
	var uid *int64
	if u := wubu.UserFromContext(ctx); u != nil && u.ID != 0 {
		uid = &u.ID
	}
	_, err := tx.exec(ctx, `INSERT INTO timeline (project_id, person_id, at, kind, text, user_id) VALUES (?, ?, ?, ?, ?, ?)`,
		projectID, personID, tx.now, kind, text, uid)
	return err
}

// findPerson loads a person with phones, unmasked, checking the caller may
// see the person's project and, by post, see (resident.view) or change
// (resident.edit) the parts of the card named.
func (s *ResidentService) findPerson(ctx context.Context, q rowQuerier, perm wubu.Permission, id int64, parts ...wubu.CardPart) (*wubu.Person, error) {
	if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
		return nil, err
	}
	p, err := scanPerson(s.db, q.QueryRowContext(ctx, s.db.rebind(`SELECT `+personColumns+` FROM persons WHERE id = ?`), id))
	if err != nil {
		return nil, err
	}
	u, err := wubu.Authorize(ctx, perm, p.ProjectID)
	if err != nil {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	}
	if err := checkCardParts(u, perm, parts...); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, s.db.rebind(`SELECT phone FROM person_phones WHERE project_id = ? AND person_id = ? ORDER BY position`), p.ProjectID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p.Phones = []string{}
	for rows.Next() {
		var ph string
		if err := rows.Scan(&ph); err != nil {
			return nil, err
		}
		p.Phones = append(p.Phones, ph)
	}
	return p, rows.Err()
}

// UpdatePerson changes a person; the change lands on the timeline.
func (s *ResidentService) UpdatePerson(ctx context.Context, id int64, upd wubu.PersonUpdate) (*wubu.Person, error) {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p, err := s.findPerson(ctx, tx, wubu.PermResidentEdit, id, wubu.PersonUpdateParts(upd)...)
	if err != nil {
		return nil, err
	}
	before := *p
	before.Phones, before.CareFlags = slices.Clone(p.Phones), slices.Clone(p.CareFlags)
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.Name, upd.Name)
	set(&p.Gender, upd.Gender)
	set(&p.IDNumber, upd.IDNumber)
	set(&p.Birthday, upd.Birthday)
	set(&p.Occupation, upd.Occupation)
	set(&p.Notes, upd.Notes)
	if upd.Phones != nil {
		p.Phones = slices.Clone(*upd.Phones)
	}
	if upd.CareFlags != nil {
		p.CareFlags = slices.Clone(*upd.CareFlags)
	}
	if upd.Importance != nil {
		p.Importance = *upd.Importance
	}
	if upd.ImportanceIndex != nil {
		p.ImportanceIndex = *upd.ImportanceIndex
	}
	if upd.AlarmStatus != nil {
		p.AlarmStatus = *upd.AlarmStatus
	}
	if err := normalizePerson(p); err != nil {
		return nil, err
	}
	if before.Gender != p.Gender || before.IDNumber != p.IDNumber || before.Birthday != p.Birthday {
		if err := checkAgainstID(p, upd.BirthdayDiffers); err != nil {
			return nil, err
		}
	}
	changed := changedFields(&before, p)
	if len(changed) == 0 {
		mask(p)
		return p, nil
	}
	p.UpdatedAt = tx.now
	sealed, hash, err := s.db.sealID(p.IDNumber)
	if err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE persons SET name = ?, gender = ?, id_number = ?, id_hash = ?, birthday = ?, occupation = ?, notes = ?, care_flags = ?, importance = ?, importance_index = ?, alarm_status = ?, pinyin_initials = ?, pinyin_full = ?, updated_at = ?
		WHERE project_id = ? AND id = ?`,
		p.Name, p.Gender, sealed, hash, p.Birthday, p.Occupation, p.Notes, joinFlags(p.CareFlags), p.Importance, p.ImportanceIndex, p.AlarmStatus,
		cnformat.PinyinInitials(p.Name), cnformat.PinyinFull(p.Name), p.UpdatedAt, p.ProjectID, id); err != nil {
		return nil, err
	}
	if slices.Contains(changed, "phones") {
		if err := writePhones(ctx, tx, p); err != nil {
			return nil, err
		}
	}
	// Credit whoever filled a field that was empty.
	var added []string
	for _, f := range filledFields(p) {
		if !slices.Contains(filledFields(&before), f) {
			added = append(added, f)
		}
	}
	if err := credit(ctx, tx, p.ProjectID, id, added...); err != nil {
		return nil, err
	}
	if err := addTimeline(ctx, tx, p.ProjectID, id, "person.changed", strings.Join(changed, ",")); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, p.ProjectID, wubu.ActionUpdate, "person", id, auditView(&before), auditView(p)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	mask(p)
	return p, nil
}

// changedFields names the fields that differ between two versions.
func changedFields(a, b *wubu.Person) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("name", a.Name != b.Name)
	add("gender", a.Gender != b.Gender)
	add("phones", !slices.Equal(a.Phones, b.Phones))
	add("id_number", a.IDNumber != b.IDNumber)
	add("birthday", a.Birthday != b.Birthday)
	add("occupation", a.Occupation != b.Occupation)
	add("notes", a.Notes != b.Notes)
	add("care_flags", !slices.Equal(a.CareFlags, b.CareFlags))
	add("importance", a.Importance != b.Importance || a.ImportanceIndex != b.ImportanceIndex)
	add("alarm_status", a.AlarmStatus != b.AlarmStatus)
	return out
}

// FindResident returns the customer card's data, with phones and the ID
// number masked.
func (s *ResidentService) FindResident(ctx context.Context, id int64) (*wubu.Resident, error) {
	p, err := s.findPerson(ctx, s.db.read, wubu.PermResidentView, id)
	if err != nil {
		return nil, err
	}
	mask(p)
	r := &wubu.Resident{Person: *p, Households: []*wubu.Household{}, Vehicles: []*wubu.Vehicle{}, Cards: []*wubu.Card{},
		Appliances: []*wubu.Appliance{}, SpecialDays: []*wubu.SpecialDay{}, UpcomingDays: []*wubu.SpecialDay{}}
	pid := p.ProjectID

	// Homes.
	rows, err := s.db.query(ctx, `SELECT h.id, h.project_id, h.room_id, h.person_id, h.relation, h.move_in, h.move_out, r.label
		FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE h.project_id = ? AND h.person_id = ? ORDER BY h.move_out, r.label`, pid, id)
	if err != nil {
		return nil, err
	}
	var roomIDs []int64
	for rows.Next() {
		h := &wubu.Household{}
		if err := rows.Scan(&h.ID, &h.ProjectID, &h.RoomID, &h.PersonID, &h.Relation, &h.MoveIn, &h.MoveOut, &h.RoomLabel); err != nil {
			rows.Close()
			return nil, err
		}
		h.PersonName = p.Name
		r.Households = append(r.Households, h)
		roomIDs = append(roomIDs, h.RoomID)
	}
	rows.Close()

	// Vehicles and cards.
	if r.Vehicles, err = s.vehicles(ctx, pid, id); err != nil {
		return nil, err
	}
	if r.Cards, err = s.cards(ctx, pid, id); err != nil {
		return nil, err
	}

	// Appliances of the person's rooms.
	if len(roomIDs) > 0 {
		rows, err := s.db.query(ctx, `SELECT id, project_id, room_id, type, brand, model, note FROM appliances
			WHERE project_id = ? AND room_id IN (`+placeholders(len(roomIDs))+`) ORDER BY id`, append([]any{pid}, int64Args(roomIDs)...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			a := &wubu.Appliance{}
			if err := rows.Scan(&a.ID, &a.ProjectID, &a.RoomID, &a.Type, &a.Brand, &a.Model, &a.Note); err != nil {
				rows.Close()
				return nil, err
			}
			r.Appliances = append(r.Appliances, a)
		}
		rows.Close()
	}

	// Special days, and those in the coming 30 days.
	rows, err = s.db.query(ctx, `SELECT id, project_id, person_id, kind, date, yearly, note FROM special_days WHERE project_id = ? AND person_id = ? ORDER BY month_day`, pid, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		d := &wubu.SpecialDay{}
		if err := rows.Scan(&d.ID, &d.ProjectID, &d.PersonID, &d.Kind, &d.Date, &d.Yearly, &d.Note); err != nil {
			rows.Close()
			return nil, err
		}
		r.SpecialDays = append(r.SpecialDays, d)
	}
	rows.Close()
	today := s.db.Clock.Now().In(cst)
	for _, d := range r.SpecialDays {
		if next, ok := nextOccurrence(d, today); ok && next.Sub(dateOf(today)) <= 30*24*time.Hour {
			u := *d
			u.Date = next.Format(time.DateOnly)
			r.UpcomingDays = append(r.UpcomingDays, &u)
		}
	}
	slices.SortFunc(r.UpcomingDays, func(a, b *wubu.SpecialDay) int { return strings.Compare(a.Date, b.Date) })
	// Least privilege by post: what the caller's post does not need goes,
	// and no birthday year beside a masked ID number.
	wubu.RedactResident(wubu.UserFromContext(ctx), r)
	return r, nil
}

func dateOf(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst) }

// nextOccurrence returns the next date (today included) a special day falls
// on: the same month and day for yearly days, the date itself otherwise.
func nextOccurrence(d *wubu.SpecialDay, today time.Time) (time.Time, bool) {
	t, err := parseDate(d.Date)
	if err != nil {
		return time.Time{}, false
	}
	today = dateOf(today)
	if !d.Yearly {
		return t, !t.Before(today)
	}
	for y := today.Year(); y <= today.Year()+1; y++ {
		next := time.Date(y, t.Month(), t.Day(), 0, 0, 0, 0, cst)
		if next.Month() != t.Month() { // 29 February in a common year
			next = time.Date(y, 2, 28, 0, 0, 0, 0, cst)
		}
		if !next.Before(today) {
			return next, true
		}
	}
	return time.Time{}, false
}

func (s *ResidentService) vehicles(ctx context.Context, projectID, personID int64) ([]*wubu.Vehicle, error) {
	rows, err := s.db.query(ctx, `SELECT id, project_id, person_id, plate, note FROM vehicles WHERE project_id = ? AND person_id = ? ORDER BY id`, projectID, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.Vehicle{}
	for rows.Next() {
		v := &wubu.Vehicle{}
		if err := rows.Scan(&v.ID, &v.ProjectID, &v.PersonID, &v.Plate, &v.Note); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *ResidentService) cards(ctx context.Context, projectID, personID int64) ([]*wubu.Card, error) {
	rows, err := s.db.query(ctx, `SELECT id, project_id, person_id, kind, number, expires_on FROM cards WHERE project_id = ? AND person_id = ? ORDER BY kind, number`, projectID, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.Card{}
	for rows.Next() {
		c := &wubu.Card{}
		if err := rows.Scan(&c.ID, &c.ProjectID, &c.PersonID, &c.Kind, &c.Number, &c.ExpiresOn); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RevealPersonField returns a full phone list or ID number and audits the
// read.
func (s *ResidentService) RevealPersonField(ctx context.Context, id int64, field string) ([]string, error) {
	var perm wubu.Permission
	switch field {
	case "phones":
		perm = wubu.PermRevealPhone
	case "id_number", "birthday": // the birthday's year completes a masked ID number
		perm = wubu.PermRevealID
	default:
		return nil, wubu.FieldErrorf("field", wubu.EINVALID, "Field %q cannot be revealed.", field)
	}
	p, err := s.findPerson(ctx, s.db.read, wubu.PermResidentView, id)
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, perm, p.ProjectID); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	pid := p.ProjectID
	if err := tx.writeAudit(ctx, &wubu.AuditEntry{Action: wubu.ActionRead, ObjectType: "person", ObjectID: fmt.Sprint(id), Field: field, ProjectID: &pid}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	switch {
	case field == "phones":
		return p.Phones, nil
	case field == "birthday" && p.Birthday != "":
		return []string{p.Birthday}, nil
	case field == "id_number" && p.IDNumber != "":
		return []string{p.IDNumber}, nil
	}
	return []string{}, nil
}

// personInTx checks, inside a transaction, that a person exists in a
// project the caller may edit and that the caller's post may change the
// part of the card, and returns the person.
func (s *ResidentService) personInTx(ctx context.Context, tx *Tx, personID int64, part wubu.CardPart) (*wubu.Person, error) {
	return s.findPerson(ctx, tx, wubu.PermResidentEdit, personID, part)
}

// checkCardParts returns EFORBIDDEN unless the user's post may change
// (perm resident.edit) or see (otherwise) every part.
func checkCardParts(u *wubu.User, perm wubu.Permission, parts ...wubu.CardPart) error {
	if perm == wubu.PermResidentEdit {
		return u.CheckCardEdit(parts...)
	}
	for _, p := range parts {
		if !u.Sees(p) {
			return wubu.Errorf(wubu.EFORBIDDEN, "Your post may not see this part of the resident's record.")
		}
	}
	return nil
}

// AddHousehold links a person to a room of the same project.
func (s *ResidentService) AddHousehold(ctx context.Context, h *wubu.Household) error {
	if !h.Relation.Valid() {
		return wubu.FieldErrorf("relation", wubu.EINVALID, "Relation %q is not valid.", string(h.Relation))
	}
	if err := validDate("move_in", h.MoveIn); err != nil {
		return err
	}
	if err := validDate("move_out", h.MoveOut); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p, err := s.personInTx(ctx, tx, h.PersonID, wubu.CardRooms)
	if err != nil {
		return err
	}
	h.ProjectID = p.ProjectID
	if err := tx.queryRow(ctx, `SELECT label FROM rooms WHERE project_id = ? AND id = ?`, h.ProjectID, h.RoomID).Scan(&h.RoomLabel); errors.Is(err, sql.ErrNoRows) {
		return wubu.FieldErrorf("room_id", wubu.ENOTFOUND, "Room not found.")
	} else if err != nil {
		return err
	}
	if err := addHousehold(ctx, tx, h); err != nil {
		return err
	}
	return tx.Commit()
}

func addHousehold(ctx context.Context, tx *Tx, h *wubu.Household) (err error) {
	h.ID, err = tx.insert(ctx, `INSERT INTO households (project_id, room_id, person_id, relation, move_in, move_out, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		h.ProjectID, h.RoomID, h.PersonID, h.Relation, h.MoveIn, h.MoveOut, tx.now)
	if isUniqueViolation(err) {
		return wubu.FieldErrorf("room_id", wubu.ECONFLICT, "This resident is already linked to room %s.", h.RoomLabel)
	} else if err != nil {
		return err
	}
	if err := addTimeline(ctx, tx, h.ProjectID, h.PersonID, "household.added", h.RoomLabel+" "+string(h.Relation)); err != nil {
		return err
	}
	return tx.audit(ctx, h.ProjectID, wubu.ActionCreate, "household", h.ID, nil, h)
}

// AddVehicle adds a plate to a person.
func (s *ResidentService) AddVehicle(ctx context.Context, v *wubu.Vehicle) error {
	plate, err := cnformat.NormalizePlate(v.Plate)
	if err != nil {
		return fieldErr("plate", err)
	}
	v.Plate, v.Note = plate, strings.TrimSpace(v.Note)
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p, err := s.personInTx(ctx, tx, v.PersonID, wubu.CardPlates)
	if err != nil {
		return err
	}
	v.ProjectID = p.ProjectID
	if err := addVehicle(ctx, tx, v); err != nil {
		return err
	}
	return tx.Commit()
}

func addVehicle(ctx context.Context, tx *Tx, v *wubu.Vehicle) (err error) {
	v.ID, err = tx.insert(ctx, `INSERT INTO vehicles (project_id, person_id, plate, plate_rev, note, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		v.ProjectID, v.PersonID, v.Plate, reverse(v.Plate), v.Note, tx.now)
	if isUniqueViolation(err) {
		return wubu.FieldErrorf("plate", wubu.ECONFLICT, "Plate %s is already registered to another resident.", v.Plate)
	} else if err != nil {
		return err
	}
	if err := credit(ctx, tx, v.ProjectID, v.PersonID, "plates"); err != nil {
		return err
	}
	if err := addTimeline(ctx, tx, v.ProjectID, v.PersonID, "vehicle.added", v.Plate); err != nil {
		return err
	}
	return tx.audit(ctx, v.ProjectID, wubu.ActionCreate, "vehicle", v.ID, nil, v)
}

// reverse returns s with its characters in reverse order: a plate suffix
// search becomes a prefix search on the reversed plate, which an index
// serves.
func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// AddCard adds a parking or access card.
func (s *ResidentService) AddCard(ctx context.Context, c *wubu.Card) error {
	if !c.Kind.Valid() {
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Card kind %q is not valid.", string(c.Kind))
	}
	c.Number = strings.ToUpper(strings.TrimSpace(c.Number))
	if !wubu.ValidName(c.Number, 32) {
		return wubu.FieldErrorf("number", wubu.EINVALID, "Card number is required and must be at most %d characters.", 32)
	}
	if err := validDate("expires_on", c.ExpiresOn); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p, err := s.personInTx(ctx, tx, c.PersonID, wubu.CardCards)
	if err != nil {
		return err
	}
	c.ProjectID = p.ProjectID
	if err := addCard(ctx, tx, c); err != nil {
		return err
	}
	return tx.Commit()
}

func addCard(ctx context.Context, tx *Tx, c *wubu.Card) (err error) {
	c.ID, err = tx.insert(ctx, `INSERT INTO cards (project_id, person_id, kind, number, expires_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ProjectID, c.PersonID, c.Kind, c.Number, c.ExpiresOn, tx.now)
	if isUniqueViolation(err) {
		return wubu.FieldErrorf("number", wubu.ECONFLICT, "Card %s is already issued to another resident.", c.Number)
	} else if err != nil {
		return err
	}
	if err := addTimeline(ctx, tx, c.ProjectID, c.PersonID, "card.added", string(c.Kind)+" "+c.Number); err != nil {
		return err
	}
	return tx.audit(ctx, c.ProjectID, wubu.ActionCreate, "card", c.ID, nil, c)
}

// AddAppliance records an appliance of a room.
func (s *ResidentService) AddAppliance(ctx context.Context, a *wubu.Appliance) error {
	a.Type, a.Brand, a.Model, a.Note = strings.TrimSpace(a.Type), strings.TrimSpace(a.Brand), strings.TrimSpace(a.Model), strings.TrimSpace(a.Note)
	if !wubu.ValidName(a.Type, 32) {
		return wubu.FieldErrorf("type", wubu.EINVALID, "Appliance type is required and must be at most %d characters.", 32)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var pid int64
	if err := tx.queryRow(ctx, `SELECT project_id FROM rooms WHERE id = ?`, a.RoomID).Scan(&pid); errors.Is(err, sql.ErrNoRows) {
		return wubu.FieldErrorf("room_id", wubu.ENOTFOUND, "Room not found.")
	} else if err != nil {
		return err
	}
	if u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, pid); wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return wubu.FieldErrorf("room_id", wubu.ENOTFOUND, "Room not found.")
	} else if err != nil {
		return err
	} else if err := u.CheckCardEdit(wubu.CardAppliances); err != nil {
		return err
	}
	a.ProjectID = pid
	if err := addAppliance(ctx, tx, a); err != nil {
		return err
	}
	return tx.Commit()
}

func addAppliance(ctx context.Context, tx *Tx, a *wubu.Appliance) (err error) {
	a.ID, err = tx.insert(ctx, `INSERT INTO appliances (project_id, room_id, type, brand, model, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.ProjectID, a.RoomID, a.Type, a.Brand, a.Model, a.Note, tx.now)
	if err != nil {
		return err
	}
	return tx.audit(ctx, a.ProjectID, wubu.ActionCreate, "appliance", a.ID, nil, a)
}

// AddSpecialDay records a special day of a person.
func (s *ResidentService) AddSpecialDay(ctx context.Context, d *wubu.SpecialDay) error {
	if !d.Kind.Valid() {
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Special day kind %q is not valid.", string(d.Kind))
	}
	if d.Date == "" {
		return wubu.FieldErrorf("date", wubu.EINVALID, "Date is required.")
	}
	if err := validDate("date", d.Date); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p, err := s.personInTx(ctx, tx, d.PersonID, wubu.CardSpecialDays)
	if err != nil {
		return err
	}
	d.ProjectID = p.ProjectID
	if err := addSpecialDay(ctx, tx, d); err != nil {
		return err
	}
	return tx.Commit()
}

func addSpecialDay(ctx context.Context, tx *Tx, d *wubu.SpecialDay) (err error) {
	d.Note = strings.TrimSpace(d.Note)
	d.ID, err = tx.insert(ctx, `INSERT INTO special_days (project_id, person_id, kind, date, month_day, yearly, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ProjectID, d.PersonID, d.Kind, d.Date, d.Date[5:], d.Yearly, d.Note, tx.now)
	if err != nil {
		return err
	}
	if err := credit(ctx, tx, d.ProjectID, d.PersonID, "special_days"); err != nil {
		return err
	}
	if err := addTimeline(ctx, tx, d.ProjectID, d.PersonID, "special_day.added", string(d.Kind)+" "+d.Date); err != nil {
		return err
	}
	return tx.audit(ctx, d.ProjectID, wubu.ActionCreate, "special_day", d.ID, nil, d)
}

// MaxPhotoSize is the largest photo accepted.
const MaxPhotoSize = 2 << 20

// SetPhoto stores a person's photo.
func (s *ResidentService) SetPhoto(ctx context.Context, id int64, contentType string, data []byte) error {
	if contentType != "image/jpeg" && contentType != "image/png" {
		return wubu.FieldErrorf("photo", wubu.EINVALID, "The photo must be a JPEG or PNG image.")
	}
	if len(data) == 0 || len(data) > MaxPhotoSize {
		return wubu.FieldErrorf("photo", wubu.EINVALID, "The photo must be at most %d MB.", MaxPhotoSize>>20)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p, err := s.personInTx(ctx, tx, id, wubu.CardPhoto)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM person_photos WHERE project_id = ? AND person_id = ?`, p.ProjectID, id); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO person_photos (project_id, person_id, content_type, data, updated_at) VALUES (?, ?, ?, ?, ?)`, p.ProjectID, id, contentType, data, tx.now); err != nil {
		return err
	}
	if !p.HasPhoto {
		if err := credit(ctx, tx, p.ProjectID, id, "photo"); err != nil {
			return err
		}
	}
	if err := addTimeline(ctx, tx, p.ProjectID, id, "photo.set", ""); err != nil {
		return err
	}
	if err := tx.audit(ctx, p.ProjectID, wubu.ActionUpdate, "person.photo", id, nil, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// Photo returns a person's photo.
func (s *ResidentService) Photo(ctx context.Context, id int64) (string, []byte, error) {
	p, err := s.findPerson(ctx, s.db.read, wubu.PermResidentView, id, wubu.CardPhoto)
	if err != nil {
		return "", nil, err
	}
	var ct string
	var data []byte
	err = s.db.queryRow(ctx, `SELECT content_type, data FROM person_photos WHERE project_id = ? AND person_id = ?`, p.ProjectID, id).Scan(&ct, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, wubu.Errorf(wubu.ENOTFOUND, "This resident has no photo.")
	}
	return ct, data, err
}

// Timeline returns the newest entries of a person's timeline.
func (s *ResidentService) Timeline(ctx context.Context, personID int64, limit int) ([]*wubu.TimelineEntry, error) {
	p, err := s.findPerson(ctx, s.db.read, wubu.PermResidentView, personID, wubu.CardTimeline)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.query(ctx, `SELECT t.id, t.project_id, t.person_id, t.at, t.kind, t.text, t.user_id, COALESCE(u.name, '')
		FROM timeline t LEFT JOIN users u ON u.id = t.user_id
		WHERE t.project_id = ? AND t.person_id = ? ORDER BY t.at DESC, t.id DESC LIMIT ?`, p.ProjectID, personID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.TimelineEntry{}
	for rows.Next() {
		e := &wubu.TimelineEntry{}
		if err := rows.Scan(&e.ID, &e.ProjectID, &e.PersonID, &e.At, &e.Kind, &e.Text, &e.UserID, &e.UserName); err != nil {
			return nil, err
		}
		// No birthday year beside a masked ID number (wubu.RedactPerson).
		if day, ok := strings.CutPrefix(e.Text, string(wubu.DayBirthday)+" "); ok && e.Kind == "special_day.added" && p.IDNumber != "" {
			e.Text = string(wubu.DayBirthday) + " " + wubu.WithoutYear(day)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddContact records a contact with a resident on the timeline.
func (s *ResidentService) AddContact(ctx context.Context, personID int64, text string) (*wubu.TimelineEntry, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 1000 {
		return nil, wubu.FieldErrorf("text", wubu.EINVALID, "Write what was said (at most %d characters).", 1000)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p, err := s.personInTx(ctx, tx, personID, wubu.CardTimeline)
	if err != nil {
		return nil, err
	}
	if err := addTimeline(ctx, tx, p.ProjectID, personID, "contact", text); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	entries, err := s.Timeline(ctx, personID, 1)
	if err != nil || len(entries) == 0 {
		return nil, err
	}
	return entries[0], nil
}
