package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// OrgService implements wubu.OrgService: zones, buildings, units and rooms.
type OrgService struct{ db *DB }

// NewOrgService returns an organisation service over db.
func NewOrgService(db *DB) *OrgService { return &OrgService{db: db} }

// FindZones returns a project's zones with their building counts.
func (s *OrgService) FindZones(ctx context.Context, projectID int64) ([]*wubu.Zone, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT z.id, z.project_id, z.name, z.created_at,
		(SELECT COUNT(*) FROM buildings b WHERE b.project_id = z.project_id AND b.zone_id = z.id)
		FROM zones z WHERE z.project_id = ? ORDER BY z.name`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Zone
	for rows.Next() {
		z := &wubu.Zone{}
		if err := rows.Scan(&z.ID, &z.ProjectID, &z.Name, &z.CreatedAt, &z.Buildings); err != nil {
			return nil, err
		}
		out = append(out, z)
	}
	return out, rows.Err()
}

func findZone(ctx context.Context, tx *Tx, projectID, id int64) (*wubu.Zone, error) {
	z := &wubu.Zone{}
	err := tx.queryRow(ctx, `SELECT id, project_id, name, created_at FROM zones WHERE project_id = ? AND id = ?`, projectID, id).
		Scan(&z.ID, &z.ProjectID, &z.Name, &z.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.FieldErrorf("zone_id", wubu.ENOTFOUND, "Zone not found.")
	}
	return z, err
}

// CreateZone creates a zone.
func (s *OrgService) CreateZone(ctx context.Context, z *wubu.Zone) error {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgEdit, z.ProjectID); err != nil {
		return err
	}
	z.Name = strings.TrimSpace(z.Name)
	if !wubu.ValidName(z.Name, 32) {
		return wubu.FieldErrorf("name", wubu.EINVALID, "Zone name is required and must be at most %d characters.", 32)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	z.CreatedAt = tx.now
	z.ID, err = tx.insert(ctx, `INSERT INTO zones (project_id, name, created_at) VALUES (?, ?, ?)`, z.ProjectID, z.Name, z.CreatedAt)
	if isUniqueViolation(err) {
		return wubu.FieldErrorf("name", wubu.ECONFLICT, "Zone %q already exists in this project.", z.Name)
	} else if err != nil {
		return err
	}
	if err := tx.audit(ctx, z.ProjectID, wubu.ActionCreate, "zone", z.ID, nil, z); err != nil {
		return err
	}
	return tx.Commit()
}

// RenameZone renames a zone.
func (s *OrgService) RenameZone(ctx context.Context, projectID, id int64, name string) (*wubu.Zone, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgEdit, projectID); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if !wubu.ValidName(name, 32) {
		return nil, wubu.FieldErrorf("name", wubu.EINVALID, "Zone name is required and must be at most %d characters.", 32)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	z, err := findZone(ctx, tx, projectID, id)
	if err != nil {
		return nil, err
	}
	before := *z
	z.Name = name
	if _, err := tx.exec(ctx, `UPDATE zones SET name = ? WHERE project_id = ? AND id = ?`, name, projectID, id); isUniqueViolation(err) {
		return nil, wubu.FieldErrorf("name", wubu.ECONFLICT, "Zone %q already exists in this project.", name)
	} else if err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "zone", id, before, z); err != nil {
		return nil, err
	}
	return z, tx.Commit()
}

const buildingSelect = `SELECT b.id, b.project_id, b.zone_id, b.name, b.created_at, COALESCE(z.name, ''),
	(SELECT COUNT(*) FROM units u WHERE u.project_id = b.project_id AND u.building_id = b.id),
	(SELECT COUNT(*) FROM rooms r WHERE r.project_id = b.project_id AND r.building_id = b.id)
	FROM buildings b LEFT JOIN zones z ON z.project_id = b.project_id AND z.id = b.zone_id`

func scanBuilding(s interface{ Scan(...any) error }) (*wubu.Building, error) {
	b := &wubu.Building{}
	err := s.Scan(&b.ID, &b.ProjectID, &b.ZoneID, &b.Name, &b.CreatedAt, &b.ZoneName, &b.Units, &b.Rooms)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Building not found.")
	}
	return b, err
}

// FindBuildings returns a project's buildings in natural order ("2" before "10").
func (s *OrgService) FindBuildings(ctx context.Context, projectID int64) ([]*wubu.Building, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, buildingSelect+` WHERE b.project_id = ?`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Building
	for rows.Next() {
		b, err := scanBuilding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	sortNatural(out, func(b *wubu.Building) string { return b.Name })
	return out, rows.Err()
}

// FindBuildingNames returns a project's buildings without their counts.
func (s *OrgService) FindBuildingNames(ctx context.Context, projectID int64) ([]*wubu.Building, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT id, project_id, zone_id, name, created_at FROM buildings WHERE project_id = ?`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Building
	for rows.Next() {
		b := &wubu.Building{}
		if err := rows.Scan(&b.ID, &b.ProjectID, &b.ZoneID, &b.Name, &b.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	sortNatural(out, func(b *wubu.Building) string { return b.Name })
	return out, rows.Err()
}

// FindBuildingByID returns ENOTFOUND if the building does not exist or the
// caller does not serve its project.
func (s *OrgService) FindBuildingByID(ctx context.Context, id int64) (*wubu.Building, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, 0); err != nil {
		return nil, err
	}
	b, err := scanBuilding(s.db.queryRow(ctx, buildingSelect+` WHERE b.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, b.ProjectID); err != nil {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Building not found.")
	}
	return b, nil
}

// CreateBuilding creates a building.
func (s *OrgService) CreateBuilding(ctx context.Context, b *wubu.Building) error {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgEdit, b.ProjectID); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := createBuilding(ctx, tx, b); err != nil {
		return err
	}
	return tx.Commit()
}

func createBuilding(ctx context.Context, tx *Tx, b *wubu.Building) (err error) {
	b.Name = strings.TrimSpace(b.Name)
	if !wubu.ValidName(b.Name, 16) || strings.Contains(b.Name, "-") {
		return wubu.FieldErrorf("name", wubu.EINVALID, "Building name is required, must be at most %d characters and may not contain a dash.", 16)
	}
	if b.ZoneID != nil {
		if _, err := findZone(ctx, tx, b.ProjectID, *b.ZoneID); err != nil {
			return err
		}
	}
	b.CreatedAt = tx.now
	b.ID, err = tx.insert(ctx, `INSERT INTO buildings (project_id, zone_id, name, created_at) VALUES (?, ?, ?, ?)`, b.ProjectID, b.ZoneID, b.Name, b.CreatedAt)
	if isUniqueViolation(err) {
		return wubu.FieldErrorf("name", wubu.ECONFLICT, "Building %q already exists in this project.", b.Name)
	} else if err != nil {
		return err
	}
	return tx.audit(ctx, b.ProjectID, wubu.ActionCreate, "building", b.ID, nil, b)
}

// UpdateBuilding renames a building or moves it between zones; its rooms'
// labels follow a new name.
func (s *OrgService) UpdateBuilding(ctx context.Context, id int64, upd wubu.BuildingUpdate) (*wubu.Building, error) {
	cur, err := s.FindBuildingByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrgEdit, cur.ProjectID); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	b, err := scanBuilding(tx.queryRow(ctx, buildingSelect+` WHERE b.project_id = ? AND b.id = ?`, cur.ProjectID, id))
	if err != nil {
		return nil, err
	}
	before := *b
	if upd.Name != nil {
		name := strings.TrimSpace(*upd.Name)
		if !wubu.ValidName(name, 16) || strings.Contains(name, "-") {
			return nil, wubu.FieldErrorf("name", wubu.EINVALID, "Building name is required, must be at most %d characters and may not contain a dash.", 16)
		}
		b.Name = name
	}
	if upd.ClearZone {
		b.ZoneID, b.ZoneName = nil, ""
	} else if upd.ZoneID != nil {
		z, err := findZone(ctx, tx, b.ProjectID, *upd.ZoneID)
		if err != nil {
			return nil, err
		}
		b.ZoneID, b.ZoneName = &z.ID, z.Name
	}
	if _, err := tx.exec(ctx, `UPDATE buildings SET name = ?, zone_id = ? WHERE project_id = ? AND id = ?`, b.Name, b.ZoneID, b.ProjectID, id); isUniqueViolation(err) {
		return nil, wubu.FieldErrorf("name", wubu.ECONFLICT, "Building %q already exists in this project.", b.Name)
	} else if err != nil {
		return nil, err
	}
	if b.Name != before.Name {
		// Room labels start with the building name: "3-2-1201".
		_, err := tx.exec(ctx, `UPDATE rooms SET label = CAST(? AS TEXT) || SUBSTR(label, ?) WHERE project_id = ? AND building_id = ?`,
			b.Name, utf8.RuneCountInString(before.Name)+1, b.ProjectID, id)
		if isUniqueViolation(err) {
			return nil, wubu.FieldErrorf("name", wubu.ECONFLICT, "Renaming would give rooms labels that already exist.")
		} else if err != nil {
			return nil, err
		}
	}
	if err := tx.audit(ctx, b.ProjectID, wubu.ActionUpdate, "building", id, before, b); err != nil {
		return nil, err
	}
	return b, tx.Commit()
}

// FindUnits returns a building's units in natural order.
func (s *OrgService) FindUnits(ctx context.Context, buildingID int64) ([]*wubu.Unit, error) {
	b, err := s.FindBuildingByID(ctx, buildingID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT id, project_id, building_id, name FROM units WHERE project_id = ? AND building_id = ?`, b.ProjectID, b.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Unit
	for rows.Next() {
		u := &wubu.Unit{}
		if err := rows.Scan(&u.ID, &u.ProjectID, &u.BuildingID, &u.Name); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	sortNatural(out, func(u *wubu.Unit) string { return u.Name })
	return out, rows.Err()
}

// RenameUnit renames a unit; its rooms' labels follow.
func (s *OrgService) RenameUnit(ctx context.Context, id int64, name string) (*wubu.Unit, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgEdit, 0); err != nil {
		return nil, err
	}
	u := &wubu.Unit{}
	err := s.db.queryRow(ctx, `SELECT id, project_id, building_id, name FROM units WHERE id = ?`, id).Scan(&u.ID, &u.ProjectID, &u.BuildingID, &u.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Unit not found.")
	} else if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrgEdit, u.ProjectID); wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Unit not found.")
	} else if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if !wubu.ValidName(name, 8) || strings.Contains(name, "-") {
		return nil, wubu.FieldErrorf("name", wubu.EINVALID, "Unit name is required, must be at most %d characters and may not contain a dash.", 8)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var bname string
	if err := tx.queryRow(ctx, `SELECT name FROM buildings WHERE project_id = ? AND id = ?`, u.ProjectID, u.BuildingID).Scan(&bname); err != nil {
		return nil, err
	}
	before := *u
	u.Name = name
	if _, err := tx.exec(ctx, `UPDATE units SET name = ? WHERE project_id = ? AND id = ?`, name, u.ProjectID, id); isUniqueViolation(err) {
		return nil, wubu.FieldErrorf("name", wubu.ECONFLICT, "Unit %q already exists in this building.", name)
	} else if err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE rooms SET label = CAST(? AS TEXT) || number WHERE project_id = ? AND unit_id = ?`, bname+"-"+name+"-", u.ProjectID, id); isUniqueViolation(err) {
		return nil, wubu.FieldErrorf("name", wubu.ECONFLICT, "Renaming would give rooms labels that already exist.")
	} else if err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, u.ProjectID, wubu.ActionUpdate, "unit", id, before, u); err != nil {
		return nil, err
	}
	return u, tx.Commit()
}

// GenerateRooms creates a building's units and rooms in bulk, in one
// transaction: all of them, or none if any already exists.
func (s *OrgService) GenerateRooms(ctx context.Context, g wubu.RoomGeneration) (*wubu.RoomGenerationResult, error) {
	if g.FirstFloor == 0 {
		g.FirstFloor = 1
	}
	g.Building = strings.TrimSpace(g.Building)
	if _, err := wubu.Authorize(ctx, wubu.PermOrgEdit, g.ProjectID); err != nil {
		return nil, err
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	// Find or create the building.
	b, err := scanBuilding(tx.queryRow(ctx, buildingSelect+` WHERE b.project_id = ? AND b.name = ?`, g.ProjectID, g.Building))
	if wubu.ErrorCode(err) == wubu.ENOTFOUND {
		b = &wubu.Building{ProjectID: g.ProjectID, ZoneID: g.ZoneID, Name: g.Building}
		if err := createBuilding(ctx, tx, b); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}

	// Create each unit if missing, then its rooms.
	stmt, err := tx.PrepareContext(ctx, s.db.rebind(`INSERT INTO rooms (project_id, building_id, unit_id, floor, number, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`))
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	res := &wubu.RoomGenerationResult{Building: b}
	if err := checkUnitLayout(ctx, tx, b, g.NoUnits); err != nil {
		return nil, err
	}
	units := g.Units
	if g.NoUnits {
		units = 1
	}
	for unit := 1; unit <= units; unit++ {
		uname := strconv.Itoa(unit)
		if g.NoUnits {
			uname = ""
		}
		var unitID int64
		err := tx.queryRow(ctx, `SELECT id FROM units WHERE project_id = ? AND building_id = ? AND name = ?`, b.ProjectID, b.ID, uname).Scan(&unitID)
		if errors.Is(err, sql.ErrNoRows) {
			unitID, err = tx.insert(ctx, `INSERT INTO units (project_id, building_id, name) VALUES (?, ?, ?)`, b.ProjectID, b.ID, uname)
		}
		if err != nil {
			return nil, err
		}
		for floor := g.FirstFloor; floor <= g.Floors; floor++ {
			for pos := 1; pos <= g.PerFloor; pos++ {
				num := wubu.RoomNumber(floor, pos)
				label := wubu.RoomLabel(b.Name, uname, num)
				if _, err := stmt.ExecContext(ctx, b.ProjectID, b.ID, unitID, floor, num, label, tx.now); isUniqueViolation(err) {
					return nil, wubu.Errorf(wubu.ECONFLICT, "Room %s already exists; nothing was generated.", label)
				} else if err != nil {
					return nil, err
				}
				if res.First == "" {
					res.First = label
				}
				res.Last = label
				res.Created++
			}
		}
	}
	b.Units = max(b.Units, g.Units)
	b.Rooms += res.Created
	if err := tx.audit(ctx, b.ProjectID, wubu.ActionCreate, "rooms", b.ID, nil, g); err != nil {
		return nil, err
	}
	tx.markDay(b.ProjectID, "room.added", dayOf(tx.now))
	return res, tx.Commit()
}

const roomColumns = `id, project_id, building_id, unit_id, floor, number, label`

// FindRooms returns rooms ordered by unit, floor and number, and the total.
func (s *OrgService) FindRooms(ctx context.Context, f wubu.RoomFilter) ([]*wubu.Room, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, f.ProjectID); err != nil {
		return nil, 0, err
	}
	where, args := []string{"r.project_id = ?"}, []any{f.ProjectID}
	if f.BuildingID != nil {
		where, args = append(where, "r.building_id = ?"), append(args, *f.BuildingID)
	}
	if f.UnitID != nil {
		where, args = append(where, "r.unit_id = ?"), append(args, *f.UnitID)
	}
	if f.Label != nil {
		where, args = append(where, "r.label = ?"), append(args, *f.Label)
	}
	limit := f.Limit
	if limit <= 0 || limit > 5000 {
		limit = 5000
	}
	q := `SELECT r.id, r.project_id, r.building_id, r.unit_id, r.floor, r.number, r.label, r.area, COUNT(*) OVER()
		FROM rooms r JOIN units u ON u.project_id = r.project_id AND u.id = r.unit_id
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY r.building_id, LENGTH(u.name), u.name, r.floor, LENGTH(r.number), r.number
		LIMIT ? OFFSET ?`
	rows, err := s.db.query(ctx, q, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*wubu.Room
	total := 0
	for rows.Next() {
		r := &wubu.Room{}
		if err := rows.Scan(&r.ID, &r.ProjectID, &r.BuildingID, &r.UnitID, &r.Floor, &r.Number, &r.Label, &r.Area, &total); err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// CreateRoom creates one room in a unit of a building (the unit is created
// if missing).
func (s *OrgService) CreateRoom(ctx context.Context, buildingID int64, unit, number string, floor int) (*wubu.Room, error) {
	b, err := s.FindBuildingByID(ctx, buildingID)
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrgEdit, b.ProjectID); err != nil {
		return nil, err
	}
	unit, number = strings.TrimSpace(unit), strings.TrimSpace(number)
	if !wubu.ValidName(unit, 8) || strings.Contains(unit, "-") {
		return nil, wubu.FieldErrorf("unit", wubu.EINVALID, "Unit name is required, must be at most %d characters and may not contain a dash.", 8)
	}
	if !wubu.ValidName(number, 8) || strings.Contains(number, "-") {
		return nil, wubu.FieldErrorf("number", wubu.EINVALID, "Room number is required, must be at most %d characters and may not contain a dash.", 8)
	}
	if floor < -5 || floor > wubu.MaxFloors {
		return nil, wubu.FieldErrorf("floor", wubu.EINVALID, "Floor must be between %d and %d.", -5, wubu.MaxFloors)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var unitID int64
	err = tx.queryRow(ctx, `SELECT id FROM units WHERE project_id = ? AND building_id = ? AND name = ?`, b.ProjectID, b.ID, unit).Scan(&unitID)
	if errors.Is(err, sql.ErrNoRows) {
		unitID, err = tx.insert(ctx, `INSERT INTO units (project_id, building_id, name) VALUES (?, ?, ?)`, b.ProjectID, b.ID, unit)
	}
	if err != nil {
		return nil, err
	}
	r := &wubu.Room{ProjectID: b.ProjectID, BuildingID: b.ID, UnitID: unitID, Floor: floor, Number: number, Label: wubu.RoomLabel(b.Name, unit, number)}
	r.ID, err = tx.insert(ctx, `INSERT INTO rooms (project_id, building_id, unit_id, floor, number, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.ProjectID, r.BuildingID, r.UnitID, r.Floor, r.Number, r.Label, tx.now)
	if isUniqueViolation(err) {
		return nil, wubu.FieldErrorf("number", wubu.ECONFLICT, "Room %s already exists.", r.Label)
	} else if err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, r.ProjectID, wubu.ActionCreate, "room", r.ID, nil, r); err != nil {
		return nil, err
	}
	tx.markDay(r.ProjectID, "room.added", dayOf(tx.now))
	return r, tx.Commit()
}

// Messages of a building's layout mixed.
const (
	msgBuildingHasUnits = "Building %s is divided into units: give the unit of each room."
	msgBuildingNoUnits  = "Building %s has no units: its rooms read like %s."
)

// checkUnitLayout refuses to mix a building's layouts: rooms without a
// unit in a building divided into units, or the reverse.
func checkUnitLayout(ctx context.Context, tx *Tx, b *wubu.Building, noUnits bool) error {
	var named, implicit int
	if err := tx.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN name = '' THEN 0 ELSE 1 END), 0), COALESCE(SUM(CASE WHEN name = '' THEN 1 ELSE 0 END), 0)
		FROM units WHERE project_id = ? AND building_id = ?`, b.ProjectID, b.ID).Scan(&named, &implicit); err != nil {
		return err
	}
	switch {
	case noUnits && named > 0:
		return wubu.FieldErrorf("units", wubu.ECONFLICT, msgBuildingHasUnits, b.Name)
	case !noUnits && implicit > 0:
		return wubu.FieldErrorf("units", wubu.ECONFLICT, msgBuildingNoUnits, b.Name, wubu.RoomLabel(b.Name, "", "301"))
	}
	return nil
}
