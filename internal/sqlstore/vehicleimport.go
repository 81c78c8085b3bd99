package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// Messages of a vehicles and cards list.
const (
	msgVehicleNoKey     = "Give the room or the phone of %s, to find them among the residents."
	msgVehicleNoneRoom  = "No resident named %s lives in room %s: import them with the resident list first."
	msgVehicleNonePhone = "No resident named %s has phone %s: give the room, or import them with the resident list first."
	msgVehicleAmbiguous = "%d residents match %s: %s. Give the room and the phone to tell them apart."
)

// ImportVehicles imports the plates and cards of residents already known.
// See wubu.ResidentImporter.
func (s *ResidentService) ImportVehicles(ctx context.Context, projectID int64, f *wubu.ImportFile, dryRun bool) (*wubu.ImportResult, error) {
	u, err := wubu.Authorize(ctx, wubu.PermResidentImport, projectID)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, wubu.Errorf(wubu.EINVALID, "The file has no rows to import.")
	}
	if f.Kind != wubu.ImportVehicles {
		return nil, wubu.Errorf(wubu.EINVALID, "The file is not a list of vehicles and cards.")
	}
	res := newImportResult(f, dryRun)
	unclearErrors(f, res)
	return s.importList(ctx, u, projectID, f, res)
}

// vehicleRow checks a row of a vehicles and cards list and gives its
// plates and cards to the resident it names.
func (v *importRun) vehicleRow(line int, cell func(wubu.ImportField) string) {
	name := cell(wubu.FieldName)
	phones := v.parseEach(line, wubu.FieldPhones, cell(wubu.FieldPhones), cnformat.NormalizeMobile)
	var roomID int64
	if cell(wubu.FieldRoom) != "" || cell(wubu.FieldBuilding) != "" {
		if _, roomID = v.roomOf(line, cell); roomID == 0 {
			return
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
	plates := v.parseEach(line, wubu.FieldPlates, cell(wubu.FieldPlates), cnformat.NormalizePlate)
	cards := v.cardsOf(line, cell, date)
	if !wubu.ValidName(name, 32) {
		v.fail(line, wubu.FieldName, name, msgImportName, 32)
		return
	}
	if p := v.match(line, name, roomID, phones); p != nil {
		v.assign(p, line, plates, cards)
	}
}

// match finds the one resident a row of a vehicles list names: by name in
// the room, or by name and phone. None, or more than one, is an error
// that names them.
func (v *importRun) match(line int, name string, roomID int64, phones []string) *importPerson {
	var ids []int64
	switch {
	case roomID != 0:
		ids = v.st.byRoomName[roomName{roomID, name}]
		if len(ids) == 0 {
			v.fail(line, wubu.FieldName, name, msgVehicleNoneRoom, name, v.st.roomLabels[roomID])
			return nil
		}
	case len(phones) > 0:
		if v.byName == nil {
			v.byName = map[string][]int64{}
			for id, p := range v.st.persons {
				v.byName[p.name] = append(v.byName[p.name], id)
			}
		}
		for _, id := range v.byName[name] {
			if slices.ContainsFunc(v.st.persons[id].phones, func(ph string) bool { return slices.Contains(phones, ph) }) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			v.fail(line, wubu.FieldName, name, msgVehicleNonePhone, name, phones[0])
			return nil
		}
	default:
		v.fail(line, wubu.FieldName, name, msgVehicleNoKey, name)
		return nil
	}
	if len(ids) > 1 {
		slices.Sort(ids)
		v.fail(line, wubu.FieldName, name, msgVehicleAmbiguous, len(ids), name, v.candidates(ids))
		return nil
	}
	return v.storedPerson(line, ids[0], "")
}

// candidates names residents for a message: "#12 (3-1-101),
// #15 (5-2-302)".
func (v *importRun) candidates(ids []int64) string {
	if v.roomsOf == nil {
		v.roomsOf = map[int64][]string{}
		for k := range v.st.homes {
			v.roomsOf[k[1]] = append(v.roomsOf[k[1]], v.st.roomLabels[k[0]])
		}
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		rooms := slices.Sorted(slices.Values(v.roomsOf[id]))
		parts[i] = fmt.Sprintf("#%d (%s)", id, strings.Join(rooms, ", "))
	}
	return strings.Join(parts, "; ")
}
