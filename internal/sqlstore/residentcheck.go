package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// Messages of a person who contradicts their ID number or is already a
// resident.
const (
	msgBirthdayVsID  = "Birthday %s contradicts the ID number, which gives %s: correct one of them, or mark the birthday as differing on purpose (a lunar birthday)."
	msgGenderVsIDMan = "The gender contradicts the ID number, which is a man's: correct one of them."
	msgGenderVsIDWom = "The gender contradicts the ID number, which is a woman's: correct one of them."
	msgSameIDNumber  = "%s already has this ID number (resident %d): open their profile instead of adding a second copy."
	msgSameNameRoom  = "%s already lives in room %s (resident %d): open their profile instead of adding a second copy."
)

// checkAgainstID refuses a normalised person whose gender, or birthday,
// contradicts their ID number; a birthday that differs on purpose (a
// lunar one) is let through when differs is set.
func checkAgainstID(p *wubu.Person, differs bool) error {
	if p.IDNumber == "" {
		return nil
	}
	if g, ok := cnformat.IDGender(p.IDNumber); ok && p.Gender != "" && p.Gender != g {
		msg := msgGenderVsIDWom
		if g == "m" {
			msg = msgGenderVsIDMan
		}
		return wubu.FieldErrorf("gender", wubu.EINVALID, msg)
	}
	if t, ok := cnformat.IDBirthDate(p.IDNumber); ok && p.Birthday != "" && !differs {
		if want := t.Format(time.DateOnly); string(p.Birthday) != want {
			return wubu.FieldErrorf("birthday", wubu.EINVALID, msgBirthdayVsID, string(p.Birthday), want)
		}
	}
	return nil
}

// checkNotResident refuses a new person who is already a resident of the
// project: the same ID number, or the same name in the room (roomID 0 for
// none). The error names the existing person, offered instead.
func checkNotResident(ctx context.Context, tx *Tx, p *wubu.Person, roomID int64, roomLabel string) error {
	var id int64
	var name string
	if p.IDNumber != "" {
		var err error
		id, name, err = personWithIDNumber(ctx, tx, p.ProjectID, p.IDNumber)
		switch {
		case err == nil:
			return &wubu.DuplicatePersonError{Err: wubu.FieldErrorf("id_number", wubu.ECONFLICT, msgSameIDNumber, name, id), PersonID: id}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
	}
	if roomID == 0 {
		return nil
	}
	err := tx.queryRow(ctx, `SELECT p.id FROM households h JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id
		WHERE h.project_id = ? AND h.room_id = ? AND p.name = ? ORDER BY p.id LIMIT 1`, p.ProjectID, roomID, p.Name).Scan(&id)
	switch {
	case err == nil:
		return &wubu.DuplicatePersonError{Err: wubu.FieldErrorf("name", wubu.ECONFLICT, msgSameNameRoom, p.Name, roomLabel, id), PersonID: id}
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	return nil
}

// personWithIDNumber returns the first person of the project with the ID
// number, found through its keyed hash (the number itself is sealed), or
// sql.ErrNoRows. It repeats the partial index's condition (a non-empty
// hash): the planners match it only as written.
func personWithIDNumber(ctx context.Context, tx *Tx, projectID int64, idNumber string) (id int64, name string, err error) {
	in, hashes, err := tx.db.idHashes(idNumber)
	if err != nil {
		return 0, "", err
	}
	err = tx.queryRow(ctx, `SELECT id, name FROM persons WHERE project_id = ? AND id_hash <> '' AND id_hash IN (`+in+`) ORDER BY id LIMIT 1`, append([]any{projectID}, hashes...)...).Scan(&id, &name)
	return id, name, err
}
