package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// Messages of a rooms list.
const (
	msgRoomsNoBuilding = "The building is missing."
	msgRoomsFloor      = "Floor %q is not understood: write it as a number such as 12."
	msgRoomsHouse      = "Building %s is a house of its own (%s): it has no other rooms."
	msgRoomsNotHouse   = "Building %s has rooms such as %s: it is not a house of its own."
)

// importedRoom is a room of a rooms list, to create unless it exists.
type importedRoom struct {
	line                   int
	building, unit, number string // canonical
	floor                  int
	area                   wubu.Area
}

// ImportRooms imports a list of rooms: the buildings, units and rooms
// missing are created, in one transaction; rooms that exist are left as
// they are but for an area the list gives them anew, so the same list
// again writes nothing. See wubu.ResidentImporter.
func (s *ResidentService) ImportRooms(ctx context.Context, projectID int64, f *wubu.ImportFile, dryRun bool) (*wubu.ImportResult, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgEdit, projectID); err != nil {
		return nil, err
	}
	if f == nil {
		return nil, wubu.Errorf(wubu.EINVALID, "The file has no rows to import.")
	}
	res := newImportResult(f, dryRun)
	unclearErrors(f, res)
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	// The project's buildings and units by their keys ("3栋" is 3), and
	// its rooms by label and canonical form.
	buildings := map[string]int64{} // key → id
	names := map[int64]string{}     // id → name
	units := map[[2]string]int64{}  // building key, unit key → id
	unitNames := map[int64]string{}
	st := &importState{rooms: map[string]int64{}}
	q := func(query string, scan func(*sql.Rows) error) error {
		rows, err := tx.query(ctx, query, projectID)
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
	byID := map[int64]string{} // building id → key
	// noUnits tells, for each building with units, whether it has none
	// but its implicit one; the file's new buildings join it.
	noUnits := map[string]bool{}
	// houses tells, for each building with rooms, whether it is a house
	// that is a home of its own (a villa, "12号"); sample names one of the
	// rooms of the others.
	houses, sample := map[string]bool{}, map[string]string{}
	if err := q(`SELECT id, name FROM buildings WHERE project_id = ?`, func(r *sql.Rows) error {
		var id int64
		var name string
		if err := r.Scan(&id, &name); err != nil {
			return err
		}
		k := cnformat.BuildingKey(name)
		if k == "" {
			k = name
		}
		buildings[k], names[id], byID[id] = id, name, k
		return nil
	}); err != nil {
		return nil, err
	}
	if err := q(`SELECT id, building_id, name FROM units WHERE project_id = ?`, func(r *sql.Rows) error {
		var id, b int64
		var name string
		if err := r.Scan(&id, &b, &name); err != nil {
			return err
		}
		k := cnformat.UnitKey(name)
		if k == "" {
			k = name
		}
		units[[2]string{byID[b], k}], unitNames[id] = id, name
		noUnits[byID[b]] = name == ""
		return nil
	}); err != nil {
		return nil, err
	}
	areas := map[int64]wubu.Area{} // room id → area
	if err := q(`SELECT id, label, area FROM rooms WHERE project_id = ?`, func(r *sql.Rows) error {
		var id int64
		var label string
		var area wubu.Area
		if err := r.Scan(&id, &label, &area); err != nil {
			return err
		}
		st.addRoom(id, label)
		areas[id] = area
		if ref, err := cnformat.ParseRoom(label); err == nil {
			houses[ref.Building] = ref.IsHouse()
			if !ref.IsHouse() {
				sample[ref.Building] = label
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	st.mergeCanonical()

	fail := func(line int, field wubu.ImportField, value, format string, args ...any) {
		res.Errors = append(res.Errors, &wubu.ImportError{Line: line, Column: f.Column(field), Value: value, Format: format, Args: args})
	}
	_, split := f.Columns[wubu.FieldBuilding]
	var todo []*importedRoom
	type resize struct {
		id   int64
		area wubu.Area
	}
	var resized []resize
	seen := map[string]bool{}
	for _, r := range f.Rows {
		if len(res.Errors) >= wubu.MaxImportErrors {
			break
		}
		if f.Progress != nil {
			f.Progress.Checked.Add(1)
		}
		cell := func(fld wubu.ImportField) string { return strings.TrimSpace(r.Cells[fld]) }
		var ref cnformat.RoomRef
		var err error
		field, text := wubu.FieldRoom, cell(wubu.FieldRoom)
		if split {
			field, text = wubu.FieldBuilding, strings.TrimSpace(cell(wubu.FieldBuilding)+" "+cell(wubu.FieldUnit)+" "+cell(wubu.FieldFloor)+" "+cell(wubu.FieldRoom))
			if cell(wubu.FieldBuilding) == "" {
				fail(r.Line, wubu.FieldBuilding, "", msgRoomsNoBuilding)
				continue
			}
			ref, err = cnformat.JoinRoom(cell(wubu.FieldBuilding), cell(wubu.FieldUnit), cell(wubu.FieldFloor), cell(wubu.FieldRoom))
		} else {
			ref, err = cnformat.ParseRoom(text)
		}
		if text == "" {
			fail(r.Line, wubu.FieldRoom, "", msgImportRoomMissing)
			continue
		}
		if err != nil {
			var ce *cnformat.Error
			if errors.As(err, &ce) {
				fail(r.Line, field, text, ce.Format, ce.Args...)
			} else {
				fail(r.Line, field, text, err.Error())
			}
			continue
		}
		floor, ok := roomFloor(ref.Room, cell(wubu.FieldFloor))
		if !ok {
			fail(r.Line, wubu.FieldFloor, cell(wubu.FieldFloor), msgRoomsFloor, cell(wubu.FieldFloor))
			continue
		}
		var area wubu.Area
		if a := cell(wubu.FieldArea); a != "" {
			n, err := cnformat.ParseArea(a)
			if err != nil {
				fail(r.Line, wubu.FieldArea, a, err.(*cnformat.Error).Format, err.(*cnformat.Error).Args...)
				continue
			}
			area = wubu.Area(n)
		}
		if none, ok := noUnits[ref.Building]; ok && none != (ref.Unit == "") {
			name := ref.Building
			if id, ok := buildings[ref.Building]; ok {
				name = names[id]
			}
			if none {
				fail(r.Line, field, text, msgBuildingNoUnits, name, wubu.RoomLabel(name, "", "301"))
			} else {
				fail(r.Line, field, text, msgBuildingHasUnits, name)
			}
			continue
		}
		if house, ok := houses[ref.Building]; ok && house != ref.IsHouse() {
			if house {
				fail(r.Line, field, text, msgRoomsHouse, ref.Building, cnformat.RoomRef{Building: ref.Building}.String())
			} else {
				fail(r.Line, field, text, msgRoomsNotHouse, ref.Building, sample[ref.Building])
			}
			continue
		}
		noUnits[ref.Building], houses[ref.Building] = ref.Unit == "", ref.IsHouse()
		if !ref.IsHouse() {
			sample[ref.Building] = ref.String()
		}
		key := ref.String()
		if id, ok := st.room(key); ok || seen[key] {
			// A room known: its area, if the list gives a new one, changes.
			if ok && area != 0 && area != areas[id] {
				areas[id] = area
				resized = append(resized, resize{id, area})
				res.Updated++
			} else {
				res.Unchanged++
			}
			continue
		}
		seen[key] = true
		todo = append(todo, &importedRoom{line: r.Line, building: ref.Building, unit: ref.Unit, number: ref.Room, floor: floor, area: area})
	}
	if n := len(res.Errors); n > 0 {
		return res, wubu.Errorf(wubu.EINVALID, "The file has %d errors: nothing was imported.", n)
	}
	res.Created = len(todo)
	if dryRun || len(todo)+len(resized) == 0 {
		return res, nil
	}
	for _, room := range resized {
		if _, err := tx.exec(ctx, `UPDATE rooms SET area = ? WHERE project_id = ? AND id = ?`, room.area, projectID, room.id); err != nil {
			return nil, fmt.Errorf("room area: %w", err)
		}
	}

	// Write the buildings, units and rooms missing.
	var newBuildings, newUnits int
	for _, room := range todo {
		bid, ok := buildings[room.building]
		if !ok {
			b := &wubu.Building{ProjectID: projectID, Name: room.building}
			if err := createBuilding(ctx, tx, b); err != nil {
				return nil, err
			}
			bid, buildings[room.building], names[b.ID] = b.ID, b.ID, b.Name
			newBuildings++
		}
		uk := [2]string{room.building, room.unit}
		uid, ok := units[uk]
		if !ok {
			if uid, err = tx.insert(ctx, `INSERT INTO units (project_id, building_id, name) VALUES (?, ?, ?)`, projectID, bid, room.unit); err != nil {
				return nil, err
			}
			units[uk], unitNames[uid] = uid, room.unit
			newUnits++
		}
		label := wubu.RoomLabel(names[bid], unitNames[uid], room.number)
		if _, err := tx.exec(ctx, `INSERT INTO rooms (project_id, building_id, unit_id, floor, number, label, area, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			projectID, bid, uid, room.floor, room.number, label, room.area, tx.now); isUniqueViolation(err) {
			return nil, wubu.Errorf(wubu.ECONFLICT, "Room %s already exists; nothing was generated.", label)
		} else if err != nil {
			return nil, fmt.Errorf("insert room %s: %w", label, err)
		}
	}
	after := map[string]any{"file": f.Name, "rows": res.Rows, "rooms": res.Created, "areas": res.Updated, "buildings": newBuildings, "units": newUnits, "unchanged": res.Unchanged}
	if err := tx.audit(ctx, projectID, wubu.ActionCreate, "room_list", projectID, nil, after); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if f.Progress != nil {
		f.Progress.Written.Store(int64(res.Created + res.Updated))
	}
	return res, nil
}

// roomFloor returns the floor of a room: the floor column's, or the
// number's digits before the last two (1201 is on floor 12, 101 on 1).
func roomFloor(number, floor string) (int, bool) {
	if floor = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(floor), "楼层F")); floor != "" {
		n, err := strconv.Atoi(floor)
		return n, err == nil && n > -10 && n < 1000
	}
	digits := strings.TrimRightFunc(number, func(r rune) bool { return r < '0' || r > '9' })
	if len(digits) <= 2 {
		return 1, true
	}
	n, err := strconv.Atoi(digits[:len(digits)-2])
	return n, err == nil
}
