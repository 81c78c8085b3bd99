package wubu

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Zone is a part of a project (片区) that groups buildings; a zone assistant
// looks after its residents.
type Zone struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// Buildings counts the zone's buildings when listed.
	Buildings int `json:"buildings"`
}

// Building is a building (楼栋) of a project, optionally in a zone.
type Building struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	ZoneID    *int64    `json:"zone_id"`
	Name      string    `json:"name"` // as staff say it: "3", "A", "12"
	CreatedAt time.Time `json:"created_at"`

	// Filled in when listed.
	ZoneName string `json:"zone_name,omitempty"`
	Units    int    `json:"units"`
	Rooms    int    `json:"rooms"`
}

// Unit is a unit or stairwell (单元) of a building.
type Unit struct {
	ID         int64  `json:"id"`
	ProjectID  int64  `json:"project_id"`
	BuildingID int64  `json:"building_id"`
	Name       string `json:"name"`
}

// Room is a home (房号). Its Label is the form staff write: "3-2-1201"
// (building-unit-room).
type Room struct {
	ID         int64  `json:"id"`
	ProjectID  int64  `json:"project_id"`
	BuildingID int64  `json:"building_id"`
	UnitID     int64  `json:"unit_id"`
	Floor      int    `json:"floor"`
	Number     string `json:"number"` // "1201"
	Label      string `json:"label"`  // "3-2-1201"
	// Area is the floor area (建筑面积); 0 when not known.
	Area Area `json:"area,omitempty"`
}

// MaxArea is the largest floor area of a room: 10,000 ㎡.
const MaxArea Area = 1000000

// Area is a floor area in hundredths of a square metre: 89.5 ㎡ is 8950.
// It reads as a number of square metres ("89.5"), in JSON too.
type Area int64

// String returns the area in square metres without trailing zeros
// ("89.5", "120"), or "" when it is not known.
func (a Area) String() string {
	if a <= 0 {
		return ""
	}
	s := strconv.FormatInt(int64(a)/100, 10)
	if f := int64(a) % 100; f != 0 {
		s += strings.TrimRight("."+strconv.FormatInt(100+f, 10)[1:], "0")
	}
	return s
}

// MarshalJSON writes the area as a number of square metres.
func (a Area) MarshalJSON() ([]byte, error) {
	if a <= 0 {
		return []byte("null"), nil
	}
	return []byte(a.String()), nil
}

// RoomLabel returns the label of a room from its building, unit and
// number: "3-2-1201", "1-301" in a building without units (whose one
// implicit unit is named ""), or "12号" for a house that is a home of its
// own (a villa: no unit, no room number).
func RoomLabel(building, unit, number string) string {
	if unit == "" && number == "" {
		if strings.HasSuffix(building, "号") {
			return building
		}
		return building + "号"
	}
	if unit == "" {
		return building + "-" + number
	}
	return building + "-" + unit + "-" + number
}

// RoomNumber returns the room number for a floor and a position on it:
// floor 12, position 1 → "1201".
func RoomNumber(floor, pos int) string {
	return fmt.Sprintf("%d%02d", floor, pos)
}

// RoomGeneration describes a building's rooms to generate in bulk: units 1..Units,
// floors 1..Floors (or FirstFloor..Floors), PerFloor rooms on each floor.
type RoomGeneration struct {
	ProjectID  int64  `json:"project_id"`
	Building   string `json:"building"`
	ZoneID     *int64 `json:"zone_id"`
	Units      int    `json:"units"`
	FirstFloor int    `json:"first_floor"`
	Floors     int    `json:"floors"`
	PerFloor   int    `json:"per_floor"`
	// NoUnits makes a building without units (garden houses): one
	// implicit unit that labels and the lookup leave out, rooms reading
	// "1-301". Units is then ignored.
	NoUnits bool `json:"no_units"`
}

// Limits of the room generator: a real high-rise, with room to spare.
const (
	MaxUnits    = 20
	MaxFloors   = 120
	MaxPerFloor = 30
)

// Validate returns EINVALID for a generation no building has.
func (g *RoomGeneration) Validate() error {
	switch {
	case !ValidName(g.Building, 16):
		return FieldErrorf("building", EINVALID, "Building name is required and must be at most %d characters.", 16)
	case !g.NoUnits && (g.Units < 1 || g.Units > MaxUnits):
		return FieldErrorf("units", EINVALID, "Units must be between 1 and %d.", MaxUnits)
	case g.FirstFloor < 1 || g.FirstFloor > MaxFloors:
		return FieldErrorf("first_floor", EINVALID, "First floor must be between 1 and %d.", MaxFloors)
	case g.Floors < g.FirstFloor || g.Floors > MaxFloors:
		return FieldErrorf("floors", EINVALID, "Floors must be between the first floor and %d.", MaxFloors)
	case g.PerFloor < 1 || g.PerFloor > MaxPerFloor:
		return FieldErrorf("per_floor", EINVALID, "Rooms per floor must be between 1 and %d.", MaxPerFloor)
	}
	return nil
}

// Count returns how many rooms the generation makes.
func (g *RoomGeneration) Count() int {
	units := g.Units
	if g.NoUnits {
		units = 1
	}
	return units * (g.Floors - g.FirstFloor + 1) * g.PerFloor
}

// RoomGenerationResult tells what a generation did.
type RoomGenerationResult struct {
	Building *Building `json:"building"`
	Created  int       `json:"created"`
	First    string    `json:"first"`
	Last     string    `json:"last"`
}

// RoomFilter selects rooms; nil fields do not filter.
type RoomFilter struct {
	ProjectID  int64
	BuildingID *int64
	UnitID     *int64
	Label      *string
	Offset     int
	Limit      int
}

// OrgService manages the organisation tree below projects.
type OrgService interface {
	// FindZones returns a project's zones. ENOTFOUND if the caller does not
	// serve the project.
	FindZones(ctx context.Context, projectID int64) ([]*Zone, error)
	// CreateZone creates a zone. EINVALID, ECONFLICT (name taken), EFORBIDDEN,
	// ENOTFOUND.
	CreateZone(ctx context.Context, z *Zone) error
	// RenameZone renames a zone. EINVALID, ECONFLICT, EFORBIDDEN, ENOTFOUND.
	RenameZone(ctx context.Context, projectID, id int64, name string) (*Zone, error)

	// FindBuildings returns a project's buildings with unit and room counts.
	FindBuildings(ctx context.Context, projectID int64) ([]*Building, error)
	// FindBuildingNames returns a project's buildings without their counts
	// (ID, project, zone and name), for pages that only name them.
	FindBuildingNames(ctx context.Context, projectID int64) ([]*Building, error)
	// FindBuildingByID returns ENOTFOUND if the building does not exist or
	// the caller does not serve its project.
	FindBuildingByID(ctx context.Context, id int64) (*Building, error)
	// CreateBuilding creates a building. EINVALID, ECONFLICT, EFORBIDDEN.
	CreateBuilding(ctx context.Context, b *Building) error
	// UpdateBuilding renames a building or moves it to another zone (nil
	// zone: none). Room labels follow the new name. EINVALID, ECONFLICT,
	// EFORBIDDEN, ENOTFOUND.
	UpdateBuilding(ctx context.Context, id int64, upd BuildingUpdate) (*Building, error)

	// FindUnits returns a building's units.
	FindUnits(ctx context.Context, buildingID int64) ([]*Unit, error)
	// RenameUnit renames a unit. EINVALID, ECONFLICT, EFORBIDDEN, ENOTFOUND.
	RenameUnit(ctx context.Context, id int64, name string) (*Unit, error)

	// GenerateRooms creates a building's units and rooms in bulk, creating
	// the building if it does not exist. If any room it would create already
	// exists it returns ECONFLICT naming it and creates nothing.
	GenerateRooms(ctx context.Context, g RoomGeneration) (*RoomGenerationResult, error)
	// FindRooms returns rooms and the total matching the filter.
	FindRooms(ctx context.Context, f RoomFilter) ([]*Room, int, error)
	// CreateRoom creates one room in a unit (created if missing).
	// EINVALID, ECONFLICT, EFORBIDDEN, ENOTFOUND.
	CreateRoom(ctx context.Context, buildingID int64, unit string, number string, floor int) (*Room, error)
	// SetRoomArea sets the floor area of a room of a building (0: not
	// known). EINVALID (out of range), EFORBIDDEN, ENOTFOUND (no such room
	// in that building of a project the caller serves).
	SetRoomArea(ctx context.Context, buildingID, roomID int64, area Area) (*Room, error)
}

// BuildingUpdate is a change to a building; nil fields stay as they are.
type BuildingUpdate struct {
	Name      *string `json:"name"`
	ZoneID    *int64  `json:"zone_id"`
	ClearZone bool    `json:"clear_zone"`
}
