package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// SegmentService implements wubu.SegmentService over the residents'
// tables (U2).
type SegmentService struct {
	db *DB
}

var _ wubu.SegmentService = (*SegmentService)(nil)

// NewSegmentService returns the segment service over db.
func NewSegmentService(db *DB) *SegmentService { return &SegmentService{db: db} }

// Limits of a segment.
const (
	maxSegmentName = 40
	maxSegmentPage = 500
)

// completenessSQL is how many of the five pieces of a person's profile
// (alias p) are filled in, as ResidentService.Completeness counts them.
const completenessSQL = `(CASE WHEN EXISTS (SELECT 1 FROM person_phones x WHERE x.project_id = p.project_id AND x.person_id = p.id) THEN 1 ELSE 0 END
	+ CASE WHEN EXISTS (SELECT 1 FROM person_photos x WHERE x.project_id = p.project_id AND x.person_id = p.id) THEN 1 ELSE 0 END
	+ CASE WHEN EXISTS (SELECT 1 FROM vehicles x WHERE x.project_id = p.project_id AND x.person_id = p.id) THEN 1 ELSE 0 END
	+ CASE WHEN EXISTS (SELECT 1 FROM special_days x WHERE x.project_id = p.project_id AND x.person_id = p.id) THEN 1 ELSE 0 END
	+ CASE WHEN p.id_number <> '' THEN 1 ELSE 0 END)`

// validSegmentQuery checks a query, naming the field at fault.
func validSegmentQuery(q *wubu.SegmentQuery) error {
	for _, r := range q.Relations {
		if !r.Valid() {
			return wubu.FieldErrorf("relations", wubu.EINVALID, "Relation %q is not valid.", string(r))
		}
	}
	for _, f := range q.CareFlags {
		if !f.Valid() {
			return wubu.FieldErrorf("care_flags", wubu.EINVALID, "Care flag %q is not valid.", string(f))
		}
	}
	if q.AgeMin != nil && (*q.AgeMin < 0 || *q.AgeMin > 150) {
		return wubu.FieldErrorf("age_min", wubu.EINVALID, "An age must be between 0 and 150.")
	}
	if q.AgeMax != nil && (*q.AgeMax < 0 || *q.AgeMax > 150) {
		return wubu.FieldErrorf("age_max", wubu.EINVALID, "An age must be between 0 and 150.")
	}
	if q.AgeMin != nil && q.AgeMax != nil && *q.AgeMin > *q.AgeMax {
		return wubu.FieldErrorf("age_max", wubu.EINVALID, "The highest age must not be below the lowest.")
	}
	if q.ImportanceMin < 0 || q.ImportanceMin > 5 {
		return wubu.FieldErrorf("importance_min", wubu.EINVALID, "Importance must be between 0 and 5.")
	}
	if q.SpecialDay != "" && !q.SpecialDay.Valid() {
		return wubu.FieldErrorf("special_day", wubu.EINVALID, "Special day kind %q is not valid.", string(q.SpecialDay))
	}
	if q.SpecialMonth < 0 || q.SpecialMonth > 12 {
		return wubu.FieldErrorf("special_month", wubu.EINVALID, "The month must be between 1 and 12.")
	}
	if q.CompleteMax != nil && (*q.CompleteMax < 0 || *q.CompleteMax > wubu.CompletenessPieces) {
		return wubu.FieldErrorf("complete_max", wubu.EINVALID, "Completeness must be between 0 and %d.", wubu.CompletenessPieces)
	}
	q.Occupation = strings.TrimSpace(q.Occupation)
	if len([]rune(q.Occupation)) > 32 {
		return wubu.FieldErrorf("occupation", wubu.EINVALID, "The occupation must be at most %d characters.", 32)
	}
	return nil
}

// segmentHomeWhere is the condition on a home (households h, rooms r) of
// the query: its buildings and relations.
func segmentHomeWhere(q wubu.SegmentQuery) (string, []any) {
	where, args := []string{"h.move_out = ''"}, []any{}
	if n := len(q.BuildingIDs); n > 0 {
		where, args = append(where, "r.building_id IN ("+placeholders(n)+")"), append(args, int64Args(q.BuildingIDs)...)
	}
	if n := len(q.Relations); n > 0 {
		where = append(where, "h.relation IN ("+placeholders(n)+")")
		for _, r := range q.Relations {
			args = append(args, string(r))
		}
	}
	return strings.Join(where, " AND "), args
}

// segmentPersonWhere is the condition on a person (persons p) of the
// query, today being the date in China ages count from.
func segmentPersonWhere(q wubu.SegmentQuery, today time.Time) (string, []any) {
	where, args := []string{"p.project_id = ?"}, []any{}
	if n := len(q.CareFlags); n > 0 {
		var ors []string
		for _, f := range q.CareFlags {
			ors, args = append(ors, "(',' || p.care_flags || ',') LIKE ?"), append(args, "%,"+string(f)+",%")
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if q.Occupation != "" {
		where, args = append(where, "p.occupation LIKE ? ESCAPE '\\'"), append(args, likePattern(q.Occupation))
	}
	if q.ImportanceMin > 0 {
		where, args = append(where, "p.importance >= ?"), append(args, q.ImportanceMin)
	}
	// Birthdays are YYYY-MM-DD: a born on or before today less a years
	// is at least a; born after today less b+1 years, at most b.
	if q.AgeMin != nil {
		where, args = append(where, "p.birthday <> '' AND p.birthday <= ?"), append(args, today.AddDate(-*q.AgeMin, 0, 0).Format(time.DateOnly))
	}
	if q.AgeMax != nil {
		where, args = append(where, "p.birthday <> '' AND p.birthday > ?"), append(args, today.AddDate(-*q.AgeMax-1, 0, 0).Format(time.DateOnly))
	}
	if q.SpecialDay != "" || q.SpecialMonth > 0 {
		cond := "EXISTS (SELECT 1 FROM special_days s WHERE s.project_id = p.project_id AND s.person_id = p.id"
		if q.SpecialDay != "" {
			cond, args = cond+" AND s.kind = ?", append(args, string(q.SpecialDay))
		}
		if q.SpecialMonth > 0 {
			cond, args = cond+" AND s.month_day LIKE ?", append(args, fmt.Sprintf("%02d-%%", q.SpecialMonth))
		}
		where = append(where, cond+")")
	}
	if q.CompleteMax != nil {
		where, args = append(where, completenessSQL+" <= ?"), append(args, *q.CompleteMax)
	}
	return strings.Join(where, " AND "), args
}

// segmentSQL returns the query of the IDs of the persons of a project a
// segment query selects: residents living there now, with a home that
// matches and a profile that does. Audiences use it as "x IN (…)".
func segmentSQL(projectID int64, q wubu.SegmentQuery, today time.Time) (string, []any) {
	home, hargs := segmentHomeWhere(q)
	person, pargs := segmentPersonWhere(q, today)
	s := `SELECT p.id FROM persons p WHERE ` + person + ` AND EXISTS (SELECT 1 FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE h.project_id = p.project_id AND h.person_id = p.id AND ` + home + `)`
	args := append([]any{projectID}, pargs...)
	return s, append(args, hargs...)
}

// chinaToday is the date in China at now.
func chinaToday(now time.Time) time.Time {
	t := now.In(cst)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst)
}

// ageOn returns the age in whole years on day of someone born on birthday
// (YYYY-MM-DD); nil if the birthday is unknown.
func ageOn(birthday string, day time.Time) *int {
	b, err := time.ParseInLocation(time.DateOnly, birthday, cst)
	if err != nil {
		return nil
	}
	age := day.Year() - b.Year()
	if day.Month() < b.Month() || day.Month() == b.Month() && day.Day() < b.Day() {
		age--
	}
	return &age
}

// QuerySegment returns a page of the residents a query selects, with the
// counts.
func (s *SegmentService) QuerySegment(ctx context.Context, projectID int64, q wubu.SegmentQuery, offset, limit int) (*wubu.SegmentResult, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSegmentQuery, projectID); err != nil {
		return nil, err
	}
	if err := validSegmentQuery(&q); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > maxSegmentPage {
		limit = 50
	}
	members, err := s.members(ctx, projectID, q, max(offset, 0), limit)
	if err != nil {
		return nil, err
	}
	counts, err := s.counts(ctx, projectID, q)
	if err != nil {
		return nil, err
	}
	return &wubu.SegmentResult{Members: members, Counts: counts}, nil
}

// members returns a page of the residents of a query, masked and redacted
// for the caller, with their first matching home.
func (s *SegmentService) members(ctx context.Context, projectID int64, q wubu.SegmentQuery, offset, limit int) ([]*wubu.SegmentMember, error) {
	today := chinaToday(s.db.now())
	home, hargs := segmentHomeWhere(q)
	person, pargs := segmentPersonWhere(q, today)
	args := append(append([]any{projectID}, hargs...), projectID)
	args = append(append(args, pargs...), limit, offset)
	rows, err := s.db.query(ctx, `SELECT `+personCols("p")+`, hm.label, hm.relation
		FROM persons p JOIN (SELECT h.person_id, MIN(r.label) AS label, MIN(h.relation) AS relation
			FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
			WHERE h.project_id = ? AND `+home+` GROUP BY h.person_id) hm ON hm.person_id = p.id
		WHERE `+person+`
		ORDER BY hm.label, p.id LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("segment members: %w", err)
	}
	out := []*wubu.SegmentMember{}
	byID := map[int64]*wubu.SegmentMember{}
	for rows.Next() {
		p, m := &wubu.Person{}, &wubu.SegmentMember{}
		var flags string
		if err := rows.Scan(&p.ID, &p.ProjectID, &p.Name, &p.Gender, s.db.openedID(&p.IDNumber), &p.Birthday, &p.Occupation, &p.Notes, &flags,
			&p.Importance, &p.ImportanceIndex, &p.AlarmStatus, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt, &p.HasPhoto,
			&m.RoomLabel, &m.Relation); err != nil {
			rows.Close()
			return nil, err
		}
		p.CareFlags, p.Phones, m.Person = splitFlags(flags), []string{}, p
		m.Age = ageOn(p.Birthday, today)
		out, byID[p.ID] = append(out, m), m
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.phones(ctx, projectID, byID); err != nil {
		return nil, err
	}
	if err := s.completeness(ctx, projectID, byID); err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	for _, m := range out {
		mask(m.Person)
		if !u.Sees(wubu.CardBirthday) {
			m.Age = nil
		}
		wubu.RedactPerson(u, m.Person)
	}
	return out, nil
}

// completeness fills in how complete the members' profiles are: for the
// page only, not for every resident the query selects.
func (s *SegmentService) completeness(ctx context.Context, projectID int64, byID map[int64]*wubu.SegmentMember) error {
	return memberRows(ctx, s.db, `SELECT p.id, `+completenessSQL+` FROM persons p WHERE p.project_id = ? AND p.id IN (%s)`, projectID, byID,
		func(m *wubu.SegmentMember, n int) { m.Complete = n })
}

// phones fills in the phones of the members, in full.
func (s *SegmentService) phones(ctx context.Context, projectID int64, byID map[int64]*wubu.SegmentMember) error {
	return memberRows(ctx, s.db, `SELECT person_id, phone FROM person_phones WHERE project_id = ? AND person_id IN (%s) ORDER BY person_id, position`, projectID, byID,
		func(m *wubu.SegmentMember, phone string) { m.Person.Phones = append(m.Person.Phones, phone) })
}

// memberRows runs a query of (person ID, value) rows of the members — its
// %s their IDs, 500 at a time — and gives each value to its member.
func memberRows[T any](ctx context.Context, db *DB, q string, projectID int64, byID map[int64]*wubu.SegmentMember, set func(*wubu.SegmentMember, T)) error {
	ids := make([]int64, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := db.query(ctx, fmt.Sprintf(q, placeholders(len(chunk))), append([]any{projectID}, int64Args(chunk)...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var v T
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return err
			}
			set(byID[id], v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// counts counts the residents of a query, their homes, and the residents
// per building and per relation.
func (s *SegmentService) counts(ctx context.Context, projectID int64, q wubu.SegmentQuery) (*wubu.SegmentCounts, error) {
	today := chinaToday(s.db.now())
	sel, sargs := segmentSQL(projectID, q, today)
	home, hargs := segmentHomeWhere(q)
	from := ` FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE h.project_id = ? AND ` + home + ` AND h.person_id IN (` + sel + `)`
	args := append(append([]any{projectID}, hargs...), sargs...)
	c := &wubu.SegmentCounts{Buildings: []*wubu.SegmentBuildingCount{}, Relations: map[wubu.Relation]int{}}
	if err := s.db.queryRow(ctx, `SELECT COUNT(DISTINCT h.person_id), COUNT(DISTINCT h.room_id)`+from, args...).Scan(&c.Persons, &c.Homes); err != nil {
		return nil, fmt.Errorf("segment counts: %w", err)
	}
	rows, err := s.db.query(ctx, `SELECT r.building_id, b.name, COUNT(DISTINCT h.person_id) FROM households h
		JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		JOIN buildings b ON b.project_id = r.project_id AND b.id = r.building_id
		WHERE h.project_id = ? AND `+home+` AND h.person_id IN (`+sel+`)
		GROUP BY r.building_id, b.name`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		b := &wubu.SegmentBuildingCount{}
		if err := rows.Scan(&b.BuildingID, &b.BuildingName, &b.Persons); err != nil {
			rows.Close()
			return nil, err
		}
		c.Buildings = append(c.Buildings, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortNatural(c.Buildings, func(b *wubu.SegmentBuildingCount) string { return b.BuildingName })
	rows, err = s.db.query(ctx, `SELECT h.relation, COUNT(DISTINCT h.person_id)`+from+` GROUP BY h.relation`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r wubu.Relation
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			rows.Close()
			return nil, err
		}
		c.Relations[r] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = s.db.queryRow(ctx, `SELECT COUNT(*) FROM persons WHERE project_id = ? AND birthday = '' AND id IN (`+sel+`)`, append([]any{projectID}, sargs...)...).Scan(&c.AgeUnknown)
	return c, err
}

// ExportSegment returns every resident of a query for a spreadsheet and
// records the export in the audit log.
func (s *SegmentService) ExportSegment(ctx context.Context, projectID int64, q wubu.SegmentQuery) ([]*wubu.SegmentMember, error) {
	u, err := wubu.Authorize(ctx, wubu.PermSegmentQuery, projectID)
	if err != nil {
		return nil, err
	}
	if err := validSegmentQuery(&q); err != nil {
		return nil, err
	}
	members, err := s.members(ctx, projectID, q, 0, maxExportRows)
	if err != nil {
		return nil, err
	}
	// Full phones only for those who export resident lists and may reveal
	// phones; the others' export is masked, as their screens are.
	full := u.Can(wubu.PermResidentImport) && u.Can(wubu.PermRevealPhone)
	if full && len(members) > 0 {
		byID := map[int64]*wubu.SegmentMember{}
		for _, m := range members {
			m.Person.Phones, m.Person.Masked = []string{}, false
			byID[m.Person.ID] = m
		}
		if err := s.phones(ctx, projectID, byID); err != nil {
			return nil, err
		}
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.audit(ctx, projectID, wubu.ActionRead, "segment_export", projectID, nil,
		map[string]any{"query": q, "persons": len(members), "full_phones": full}); err != nil {
		return nil, err
	}
	return members, tx.Commit()
}

// SaveSegment creates or changes a saved segment.
func (s *SegmentService) SaveSegment(ctx context.Context, sg *wubu.Segment) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSegmentQuery, sg.ProjectID); err != nil {
		return err
	}
	if sg.Name = strings.TrimSpace(sg.Name); !wubu.ValidName(sg.Name, maxSegmentName) {
		return wubu.FieldErrorf("name", wubu.EINVALID, "A segment needs a name of at most %d characters.", maxSegmentName)
	}
	if err := validSegmentQuery(&sg.Query); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if n := len(sg.Query.BuildingIDs); n > 0 {
		var c int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM buildings WHERE project_id = ? AND id IN (`+placeholders(n)+`)`,
			append([]any{sg.ProjectID}, int64Args(sg.Query.BuildingIDs)...)...).Scan(&c); err != nil {
			return err
		}
		if c != n {
			return wubu.FieldErrorf("building_ids", wubu.ENOTFOUND, "Building not found.")
		}
	}
	q, err := json.Marshal(sg.Query)
	if err != nil {
		return err
	}
	u := wubu.UserFromContext(ctx)
	if sg.ID == 0 {
		sg.CreatedAt, sg.UpdatedAt = tx.now, tx.now
		if u != nil && u.ID != 0 {
			sg.CreatedBy = &u.ID
		}
		sg.ID, err = tx.insert(ctx, `INSERT INTO segments (project_id, name, query, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			sg.ProjectID, sg.Name, string(q), sg.CreatedBy, tx.now, tx.now)
	} else {
		var res sql.Result
		res, err = tx.exec(ctx, `UPDATE segments SET name = ?, query = ?, updated_at = ? WHERE project_id = ? AND id = ?`, sg.Name, string(q), tx.now, sg.ProjectID, sg.ID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return wubu.Errorf(wubu.ENOTFOUND, "Segment not found.")
			}
		}
		sg.UpdatedAt = tx.now
	}
	if isUniqueViolation(err) {
		return wubu.FieldErrorf("name", wubu.ECONFLICT, "A segment named %q already exists.", sg.Name)
	} else if err != nil {
		return fmt.Errorf("save segment: %w", err)
	}
	if err := tx.audit(ctx, sg.ProjectID, wubu.ActionUpdate, "segment", sg.ID, nil, map[string]any{"name": sg.Name, "query": sg.Query}); err != nil {
		return err
	}
	return tx.Commit()
}

// FindSegment returns a saved segment.
func (s *SegmentService) FindSegment(ctx context.Context, id int64) (*wubu.Segment, error) {
	sg, err := s.db.findSegment(ctx, s.db.reader(), id)
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSegmentQuery, sg.ProjectID); wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Segment not found.") // as a missing one
	} else if err != nil {
		return nil, err
	}
	return sg, nil
}

const segmentColumns = `id, project_id, name, query, created_by, created_at, updated_at`

// scanSegment reads a segment's row.
func scanSegment(row interface{ Scan(...any) error }) (*wubu.Segment, error) {
	sg := &wubu.Segment{}
	var q string
	err := row.Scan(&sg.ID, &sg.ProjectID, &sg.Name, &q, &sg.CreatedBy, &sg.CreatedAt, &sg.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Segment not found.")
	} else if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(q), &sg.Query); err != nil {
		return nil, fmt.Errorf("segment %d: %w", sg.ID, err)
	}
	return sg, nil
}

// findSegment reads a segment without checking who asks.
func (db *DB) findSegment(ctx context.Context, on rowQuerier, id int64) (*wubu.Segment, error) {
	return scanSegment(on.QueryRowContext(ctx, db.rebind(`SELECT `+segmentColumns+` FROM segments WHERE id = ?`), id))
}

// segmentAudience returns the persons query of a project's saved segment,
// for an audience; ENOTFOUND (field segment_id) if the project has no
// such segment.
func (db *DB) segmentAudience(ctx context.Context, on rowQuerier, projectID, segmentID int64) (string, []any, error) {
	sg, err := db.findSegment(ctx, on, segmentID)
	if err != nil || sg.ProjectID != projectID {
		return "", nil, wubu.FieldErrorf("segment_id", wubu.ENOTFOUND, "Segment not found.")
	}
	q, args := segmentSQL(projectID, sg.Query, chinaToday(db.now()))
	return q, args, nil
}

// FindSegments lists a project's segments, by name, with their sizes now.
func (s *SegmentService) FindSegments(ctx context.Context, projectID int64) ([]*wubu.Segment, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSegmentQuery, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+segmentColumns+` FROM segments WHERE project_id = ? ORDER BY name, id`, projectID)
	if err != nil {
		return nil, err
	}
	out := []*wubu.Segment{}
	for rows.Next() {
		sg, err := scanSegment(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, sg)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	today := chinaToday(s.db.now())
	for _, sg := range out {
		q, args := segmentSQL(projectID, sg.Query, today)
		if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM (`+q+`) x`, args...).Scan(&sg.Persons); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeleteSegment deletes a segment that no notice or survey names.
func (s *SegmentService) DeleteSegment(ctx context.Context, id int64) error {
	sg, err := s.FindSegment(ctx, id)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var used int
	if err := tx.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM bulletins WHERE project_id = ? AND segment_id = ?) + (SELECT COUNT(*) FROM survey_forms WHERE project_id = ? AND segment_id = ?)`,
		sg.ProjectID, id, sg.ProjectID, id).Scan(&used); err != nil {
		return err
	}
	if used > 0 {
		return wubu.Errorf(wubu.ECONFLICT, "Segment %q is the audience of %d notices or surveys and cannot be deleted.", sg.Name, used)
	}
	if _, err := tx.exec(ctx, `DELETE FROM segments WHERE project_id = ? AND id = ?`, sg.ProjectID, id); err != nil {
		return err
	}
	if err := tx.audit(ctx, sg.ProjectID, wubu.ActionDelete, "segment", strconv.FormatInt(id, 10), map[string]any{"name": sg.Name}, nil); err != nil {
		return err
	}
	return tx.Commit()
}
