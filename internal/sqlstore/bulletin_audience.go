package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// A notice's audience (its buildings and units; none: the whole project),
// its attachments and its reads (issue 14 item 1).

// audienceCond returns the condition that a room (alias r) is in an
// audience of buildings and units, "" for the whole project.
func audienceCond(buildings, units []int64) (string, []any) {
	var parts []string
	var args []any
	if len(buildings) > 0 {
		parts = append(parts, `r.building_id IN (`+placeholders(len(buildings))+`)`)
		for _, id := range buildings {
			args = append(args, id)
		}
	}
	if len(units) > 0 {
		parts = append(parts, `r.unit_id IN (`+placeholders(len(units))+`)`)
		for _, id := range units {
			args = append(args, id)
		}
	}
	if len(parts) == 0 {
		return "", nil
	}
	return ` AND (` + strings.Join(parts, ` OR `) + `)`, args
}

// audienceFrom selects the residents (h.person_id) living in an audience's
// rooms now; add audienceCond's condition.
const audienceFrom = ` FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = ? AND h.move_out = ''`

// bulletinAudienceIDs returns a notice's buildings (with the single
// BuildingID of older notices) and units, sorted and without repeats.
func bulletinAudienceIDs(n *wubu.Bulletin) (buildings, units []int64) {
	buildings = slices.Clone(n.BuildingIDs)
	if n.BuildingID != nil {
		buildings = append(buildings, *n.BuildingID)
	}
	slices.Sort(buildings)
	units = slices.Clone(n.UnitIDs)
	slices.Sort(units)
	return slices.Compact(buildings), slices.Compact(units)
}

// saveBulletinAudience checks and writes a new notice's buildings and
// units; a notice to one building keeps it in building_id too, as before.
func saveBulletinAudience(ctx context.Context, tx *Tx, n *wubu.Bulletin) error {
	buildings, units := bulletinAudienceIDs(n)
	for _, id := range buildings {
		if _, err := tx.exec(ctx, `INSERT INTO bulletin_buildings (project_id, bulletin_id, building_id) VALUES (?, ?, ?)`, n.ProjectID, n.ID, id); err != nil {
			return err
		}
	}
	for _, id := range units {
		if _, err := tx.exec(ctx, `INSERT INTO bulletin_units (project_id, bulletin_id, unit_id) VALUES (?, ?, ?)`, n.ProjectID, n.ID, id); err != nil {
			return err
		}
	}
	n.BuildingIDs, n.UnitIDs = buildings, units
	return nil
}

// checkAudienceIDs answers ENOTFOUND unless every building and unit is the
// project's.
func checkAudienceIDs(ctx context.Context, q dbOrTx, projectID int64, buildings, units []int64) error {
	for _, c := range []struct {
		table, field string
		ids          []int64
	}{{"buildings", "building_id", buildings}, {"units", "unit_ids", units}} {
		if len(c.ids) == 0 {
			continue
		}
		args := []any{projectID}
		for _, id := range c.ids {
			args = append(args, id)
		}
		var n int
		if err := q.queryRow(ctx, `SELECT COUNT(*) FROM `+c.table+` WHERE project_id = ? AND id IN (`+placeholders(len(c.ids))+`)`, args...).Scan(&n); err != nil {
			return err
		}
		if n != len(c.ids) {
			return wubu.FieldErrorf(c.field, wubu.ENOTFOUND, "Not found.")
		}
	}
	return nil
}

// loadBulletinAudience fills a notice's buildings and units with their
// names ("3", "3-2").
func loadBulletinAudience(ctx context.Context, db *DB, n *wubu.Bulletin) error {
	n.BuildingIDs, n.BuildingNames, n.UnitIDs, n.UnitLabels = nil, nil, nil, nil
	rows, err := db.query(ctx, `SELECT b.id, b.name FROM bulletin_buildings x JOIN buildings b ON b.project_id = x.project_id AND b.id = x.building_id
		WHERE x.project_id = ? AND x.bulletin_id = ? ORDER BY b.name`, n.ProjectID, n.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return err
		}
		n.BuildingIDs, n.BuildingNames = append(n.BuildingIDs, id), append(n.BuildingNames, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(n.BuildingIDs) == 0 && n.BuildingID != nil {
		n.BuildingIDs, n.BuildingNames = []int64{*n.BuildingID}, []string{n.BuildingName}
	}
	rows, err = db.query(ctx, `SELECT un.id, b.name, un.name FROM bulletin_units x JOIN units un ON un.project_id = x.project_id AND un.id = x.unit_id
		JOIN buildings b ON b.project_id = un.project_id AND b.id = un.building_id WHERE x.project_id = ? AND x.bulletin_id = ? ORDER BY b.name, un.name`, n.ProjectID, n.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var b, u string
		if err := rows.Scan(&id, &b, &u); err != nil {
			return err
		}
		n.UnitIDs, n.UnitLabels = append(n.UnitIDs, id), append(n.UnitLabels, b+"-"+u)
	}
	return rows.Err()
}

// bulletinFileTypes are the attachments a notice takes, by the type their
// content shows (Word and Excel files show as zip or as the old Office
// format, and are told by their name).
var bulletinFileTypes = map[string][]string{
	"application/pdf":          {".pdf"},
	"image/jpeg":               {".jpg", ".jpeg"},
	"image/png":                {".png"},
	"application/zip":          {".docx", ".xlsx"},
	"application/octet-stream": {".doc", ".xls"},
}

// checkBulletinFiles checks a notice's attachments: how many, their size
// and their type; it sets each one's name, size and content type.
func checkBulletinFiles(files []*wubu.BulletinAttachment) error {
	if len(files) > wubu.MaxBulletinFiles {
		return wubu.FieldErrorf("files", wubu.EINVALID, "Attach at most %d files.", wubu.MaxBulletinFiles)
	}
	for _, f := range files {
		f.Name = path.Base(strings.ReplaceAll(strings.TrimSpace(f.Name), "\\", "/"))
		if f.Name == "." || f.Name == "/" || utf8.RuneCountInString(f.Name) > 120 {
			f.Name = "attachment"
		}
		if len(f.Data) == 0 {
			return wubu.FieldErrorf("files", wubu.EINVALID, "The file %s is empty.", f.Name)
		}
		if len(f.Data) > wubu.MaxBulletinFileSize {
			return wubu.FieldErrorf("files", wubu.EINVALID, "The file %s is larger than %d MB.", f.Name, wubu.MaxBulletinFileSize>>20)
		}
		sniffed := http.DetectContentType(f.Data)
		if i := strings.IndexByte(sniffed, ';'); i >= 0 {
			sniffed = sniffed[:i]
		}
		ext := strings.ToLower(path.Ext(f.Name))
		if !slices.Contains(bulletinFileTypes[sniffed], ext) {
			return wubu.FieldErrorf("files", wubu.EINVALID, "The file %s cannot be attached: attach PDF, JPEG or PNG pictures, Word or Excel files.", f.Name)
		}
		f.Size, f.ContentType = len(f.Data), contentTypeOf(ext)
	}
	return nil
}

// contentTypeOf returns the content type an attachment is sent with.
func contentTypeOf(ext string) string {
	switch ext {
	case ".pdf":
		return "application/pdf"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".doc":
		return "application/msword"
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".xls":
		return "application/vnd.ms-excel"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/octet-stream"
}

// saveBulletinFiles writes a new notice's checked attachments.
func saveBulletinFiles(ctx context.Context, tx *Tx, n *wubu.Bulletin) error {
	for _, f := range n.Attachments {
		var err error
		if f.ID, err = tx.insert(ctx, `INSERT INTO bulletin_files (project_id, bulletin_id, name, content_type, size, data) VALUES (?, ?, ?, ?, ?, ?)`,
			n.ProjectID, n.ID, f.Name, f.ContentType, f.Size, f.Data); err != nil {
			return err
		}
	}
	return nil
}

// loadBulletinFiles fills a notice's attachments, without their data.
func loadBulletinFiles(ctx context.Context, db *DB, n *wubu.Bulletin) error {
	rows, err := db.query(ctx, `SELECT id, name, content_type, size FROM bulletin_files WHERE project_id = ? AND bulletin_id = ? ORDER BY id`, n.ProjectID, n.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	n.Attachments = nil
	for rows.Next() {
		f := &wubu.BulletinAttachment{}
		if err := rows.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size); err != nil {
			return err
		}
		n.Attachments = append(n.Attachments, f)
	}
	return rows.Err()
}

// BulletinFile returns an attachment with its data.
func (s *BulletinService) BulletinFile(ctx context.Context, bulletinID, fileID int64) (*wubu.BulletinAttachment, error) {
	n, err := s.FindBulletin(ctx, bulletinID)
	if err != nil {
		return nil, err
	}
	f := &wubu.BulletinAttachment{ID: fileID}
	if err := s.db.queryRow(ctx, `SELECT name, content_type, size, data FROM bulletin_files WHERE project_id = ? AND bulletin_id = ? AND id = ?`,
		n.ProjectID, n.ID, fileID).Scan(&f.Name, &f.ContentType, &f.Size, &f.Data); err != nil {
		return nil, notFound(err)
	}
	return f, nil
}

// RecordBulletinRead records that a resident read a notice, once.
func (s *BulletinService) RecordBulletinRead(ctx context.Context, bulletinID, residentID int64) error {
	return s.RecordBulletinReads(ctx, residentID, bulletinID)
}

// RecordBulletinReads records that a resident read notices, once each, in
// one transaction; ENOTFOUND, with nothing recorded, if one is not a notice
// of the resident's project.
func (s *BulletinService) RecordBulletinReads(ctx context.Context, residentID int64, bulletinIDs ...int64) error {
	if len(bulletinIDs) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range bulletinIDs {
		var projectID int64
		if err := tx.queryRow(ctx, `SELECT n.project_id FROM bulletins n JOIN persons p ON p.project_id = n.project_id AND p.id = ? WHERE n.id = ?`,
			residentID, id).Scan(&projectID); err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO bulletin_reads (project_id, bulletin_id, person_id, read_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			projectID, id, residentID, tx.now); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// notFound turns "no rows" into ENOTFOUND.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return err
}

// countBulletinReads fills a notice's audience size and how many of its
// audience read it.
func countBulletinReads(ctx context.Context, db *DB, n *wubu.Bulletin) error {
	cond, args := audienceCond(n.BuildingIDs, n.UnitIDs)
	args = append([]any{n.ProjectID}, args...)
	if err := db.queryRow(ctx, `SELECT COUNT(DISTINCT h.person_id)`+audienceFrom+cond, args...).Scan(&n.AudienceSize); err != nil {
		return fmt.Errorf("audience: %w", err)
	}
	args = append([]any{n.ProjectID, n.ID}, args...)
	return db.queryRow(ctx, `SELECT COUNT(*) FROM bulletin_reads br WHERE br.project_id = ? AND br.bulletin_id = ? AND br.person_id IN (SELECT h.person_id`+audienceFrom+cond+`)`,
		args...).Scan(&n.Reads)
}

// residentEmails returns the e-mail address on file of each resident the
// e-mail messages are for.
func (tx *Tx) residentEmails(ctx context.Context, msgs []*wubu.Message) (map[int64]string, error) {
	byProject := map[int64][]any{}
	for _, m := range msgs {
		if m.PersonID != nil && m.Channel == wubu.ChannelEmail {
			byProject[m.ProjectID] = append(byProject[m.ProjectID], *m.PersonID)
		}
	}
	emails := map[int64]string{}
	for project, ids := range byProject {
		rows, err := tx.query(ctx, `SELECT id, email FROM persons WHERE project_id = ? AND id IN (`+placeholders(len(ids))+`)`, append([]any{project}, ids...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var email string
			if err := rows.Scan(&id, &email); err != nil {
				rows.Close()
				return nil, err
			}
			emails[id] = email
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return emails, nil
}

// SetResidentEmail keeps a resident's e-mail address for notices.
func (s *BulletinService) SetResidentEmail(ctx context.Context, personID int64, email string) error {
	email = strings.TrimSpace(email)
	if a, err := mail.ParseAddress(email); email != "" && (err != nil || a.Address != email || len(email) > 254) {
		return wubu.FieldErrorf("email", wubu.EINVALID, "Give an e-mail address such as name@example.com.")
	}
	var projectID int64
	var before string
	if err := s.db.queryRow(ctx, `SELECT project_id, email FROM persons WHERE id = ?`, personID).Scan(&projectID, &before); err != nil {
		return notFound(err)
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, projectID); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `UPDATE persons SET email = ?, updated_at = ? WHERE project_id = ? AND id = ?`, email, tx.now, projectID, personID); err != nil {
		return err
	}
	if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "person", personID, map[string]any{"email": before}, map[string]any{"email": email}); err != nil {
		return err
	}
	return tx.Commit()
}

// ResidentEmail returns a resident's e-mail address for notices.
func (s *BulletinService) ResidentEmail(ctx context.Context, personID int64) (string, error) {
	var projectID int64
	var email string
	if err := s.db.queryRow(ctx, `SELECT project_id, email FROM persons WHERE id = ?`, personID).Scan(&projectID, &email); err != nil {
		return "", notFound(err)
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return "", err
	}
	return email, nil
}
