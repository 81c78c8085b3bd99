package sqlstore

import (
	"context"
	"strings"

	"github.com/wubu-oss/wubu"
)

var _ wubu.ResidentService = (*ResidentService)(nil)

// FindResidents lists residents by room: one row per person and room, with
// phones masked.
func (s *ResidentService) FindResidents(ctx context.Context, f wubu.ResidentFilter) ([]*wubu.ResidentRow, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, f.ProjectID); err != nil {
		return nil, 0, err
	}
	where, args := []string{"h.project_id = ?"}, []any{f.ProjectID}
	if f.BuildingID != nil {
		where, args = append(where, "r.building_id = ?"), append(args, *f.BuildingID)
	}
	if f.Relation != nil {
		where, args = append(where, "h.relation = ?"), append(args, *f.Relation)
	}
	if f.CareFlag != nil {
		where, args = append(where, "(',' || p.care_flags || ',') LIKE ?"), append(args, "%,"+string(*f.CareFlag)+",%")
	}
	limit := f.Limit
	if limit <= 0 || limit > 200000 {
		limit = 100
	}
	rows, err := s.db.query(ctx, `SELECT `+personCols("p")+`,
		h.id, h.room_id, h.relation, h.move_in, h.move_out, r.label, COUNT(*) OVER()
		FROM households h
		JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id
		JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY r.building_id, r.unit_id, r.floor, r.number, h.relation, p.id
		LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	var out []*wubu.ResidentRow
	total := 0
	persons := map[int64][]*wubu.ResidentRow{}
	for rows.Next() {
		p, h := &wubu.Person{}, &wubu.Household{}
		var flags string
		if err := rows.Scan(&p.ID, &p.ProjectID, &p.Name, &p.Gender, s.db.openedID(&p.IDNumber), &p.Birthday, &p.Occupation, &p.Notes, &flags,
			&p.Importance, &p.ImportanceIndex, &p.AlarmStatus, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt, &p.HasPhoto,
			&h.ID, &h.RoomID, &h.Relation, &h.MoveIn, &h.MoveOut, &h.RoomLabel, &total); err != nil {
			rows.Close()
			return nil, 0, err
		}
		p.CareFlags, p.Phones = splitFlags(flags), []string{}
		h.ProjectID, h.PersonID, h.PersonName = p.ProjectID, p.ID, p.Name
		row := &wubu.ResidentRow{Person: p, Household: h, Plates: []string{}, Cards: []*wubu.Card{}}
		out = append(out, row)
		persons[p.ID] = append(persons[p.ID], row)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 {
		return out, total, nil
	}
	// Phones, plates and cards of the persons listed, a chunk at a time.
	ids := make([]int64, 0, len(persons))
	for id := range persons {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		in := "project_id = ? AND person_id IN (" + placeholders(len(chunk)) + ")"
		cargs := append([]any{f.ProjectID}, int64Args(chunk)...)
		if err := s.eachRow(ctx, `SELECT person_id, phone FROM person_phones WHERE `+in+` ORDER BY position`, cargs, func(id int64, v string) {
			for _, r := range persons[id] {
				r.Person.Phones = append(r.Person.Phones, v)
			}
		}); err != nil {
			return nil, 0, err
		}
		if err := s.eachRow(ctx, `SELECT person_id, plate FROM vehicles WHERE `+in+` ORDER BY id`, cargs, func(id int64, v string) {
			for _, r := range persons[id] {
				r.Plates = append(r.Plates, v)
			}
		}); err != nil {
			return nil, 0, err
		}
		crows, err := s.db.query(ctx, `SELECT id, person_id, kind, number, expires_on FROM cards WHERE `+in+` ORDER BY kind, number`, cargs...)
		if err != nil {
			return nil, 0, err
		}
		for crows.Next() {
			c := &wubu.Card{ProjectID: f.ProjectID}
			if err := crows.Scan(&c.ID, &c.PersonID, &c.Kind, &c.Number, &c.ExpiresOn); err != nil {
				crows.Close()
				return nil, 0, err
			}
			for _, r := range persons[c.PersonID] {
				r.Cards = append(r.Cards, c)
			}
		}
		crows.Close()
	}
	u := wubu.UserFromContext(ctx)
	for _, r := range out {
		if !r.Person.Masked {
			mask(r.Person)
		}
		// Least privilege by post, as on the customer card.
		wubu.RedactPerson(u, r.Person)
		if !u.Sees(wubu.CardPlates) {
			r.Plates = []string{}
		}
		if !u.Sees(wubu.CardCards) {
			r.Cards = []*wubu.Card{}
		}
	}
	return out, total, nil
}

// eachRow runs a query of (person_id, text) rows.
func (s *ResidentService) eachRow(ctx context.Context, q string, args []any, fn func(int64, string)) error {
	rows, err := s.db.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		fn(id, v)
	}
	return rows.Err()
}

// Completeness reports, for the project and each building, the share of
// residents (persons with a current home there) whose profile has each
// piece filled in (U1).
func (s *ResidentService) Completeness(ctx context.Context, projectID int64) ([]*wubu.Completeness, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `WITH residents AS (
			SELECT DISTINCT h.person_id, r.building_id FROM households h
			JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
			WHERE h.project_id = ? AND h.move_out = ''
		), facts AS (
			SELECT p.id,
				CASE WHEN EXISTS (SELECT 1 FROM person_phones x WHERE x.project_id = p.project_id AND x.person_id = p.id) THEN 1 ELSE 0 END AS phone,
				CASE WHEN EXISTS (SELECT 1 FROM person_photos x WHERE x.project_id = p.project_id AND x.person_id = p.id) THEN 1 ELSE 0 END AS photo,
				CASE WHEN EXISTS (SELECT 1 FROM vehicles x WHERE x.project_id = p.project_id AND x.person_id = p.id) THEN 1 ELSE 0 END AS plates,
				CASE WHEN EXISTS (SELECT 1 FROM special_days x WHERE x.project_id = p.project_id AND x.person_id = p.id) THEN 1 ELSE 0 END AS days,
				CASE WHEN p.id_number <> '' THEN 1 ELSE 0 END AS idn
			FROM persons p WHERE p.project_id = ?
		)
		SELECT COALESCE(b.id, 0), COALESCE(b.name, ''), COUNT(*), SUM(f.phone), SUM(f.photo), SUM(f.plates), SUM(f.days), SUM(f.idn)
		FROM residents re JOIN facts f ON f.id = re.person_id
		LEFT JOIN buildings b ON b.project_id = ? AND b.id = re.building_id
		GROUP BY b.id, b.name`, projectID, projectID, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	total := &wubu.Completeness{Scope: "project"}
	var sums [6]int
	var out []*wubu.Completeness
	for rows.Next() {
		c := &wubu.Completeness{}
		var n, phone, photo, plates, days, idn int
		if err := rows.Scan(&c.BuildingID, &c.Scope, &n, &phone, &photo, &plates, &days, &idn); err != nil {
			return nil, err
		}
		c.Persons = n
		share := func(k int) float64 { return float64(k) / float64(max(n, 1)) }
		c.Phone, c.Photo, c.Plates, c.SpecialDays, c.IDNumber = share(phone), share(photo), share(plates), share(days), share(idn)
		out = append(out, c)
		for i, v := range []int{n, phone, photo, plates, days, idn} {
			sums[i] += v
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortNatural(out, func(c *wubu.Completeness) string { return c.Scope })
	// A person with homes in two buildings counts in each; the project
	// total counts each person once.
	var persons int
	if err := s.db.queryRow(ctx, `SELECT COUNT(DISTINCT person_id) FROM households WHERE project_id = ? AND move_out = ''`, projectID).Scan(&persons); err != nil {
		return nil, err
	}
	n := max(sums[0], 1)
	total.Persons = persons
	total.Phone, total.Photo, total.Plates = float64(sums[1])/float64(n), float64(sums[2])/float64(n), float64(sums[3])/float64(n)
	total.SpecialDays, total.IDNumber = float64(sums[4])/float64(n), float64(sums[5])/float64(n)
	return append([]*wubu.Completeness{total}, out...), nil
}

// Contributions lists who added which pieces of residents' profiles.
func (s *ResidentService) Contributions(ctx context.Context, projectID int64) ([]*wubu.Contribution, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT c.user_id, COALESCE(u.name, ''), c.field, COUNT(*) FROM contributions c LEFT JOIN users u ON u.id = c.user_id
		WHERE c.project_id = ? GROUP BY c.user_id, u.name, c.field ORDER BY COUNT(*) DESC, c.user_id, c.field`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.Contribution{}
	for rows.Next() {
		c := &wubu.Contribution{}
		if err := rows.Scan(&c.UserID, &c.UserName, &c.Field, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
