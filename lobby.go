package wubu

import (
	"context"
	"time"
)

// Lobby hours (大堂接待, A2): each assistant's monthly reception hours in
// each building's lobby, published as a printable notice per building and
// (later) on the portal; the visits received there are logged, with a
// count per assistant per month, and on the resident's timeline when a
// resident is named.

// LobbyHours is one entry of an assistant's reception hours in a
// building's lobby in a month: every given weekday, or one date.
type LobbyHours struct {
	ID           int64  `json:"id"`
	ProjectID    int64  `json:"project_id"`
	BuildingID   int64  `json:"building_id"`
	BuildingName string `json:"building_name"`
	// Month is 2026-12.
	Month string `json:"month"`
	// Weekday is 1 (Monday) to 7 (Sunday) for a weekly entry; 0 when the
	// entry is for one Date (2026-12-12).
	Weekday int    `json:"weekday,omitempty"`
	Date    string `json:"date,omitempty"`
	// Starts and Ends are 19:00 and 21:00, China Standard Time.
	Starts        string `json:"starts"`
	Ends          string `json:"ends"`
	AssistantID   int64  `json:"assistant_id"`
	AssistantName string `json:"assistant_name"`
	// Dates are the month's dates the entry falls on, when read.
	Dates []string `json:"dates"`
}

// LobbyVisit is one visit received at a lobby's reception point.
type LobbyVisit struct {
	ID            int64     `json:"id"`
	ProjectID     int64     `json:"project_id"`
	BuildingID    int64     `json:"building_id"`
	BuildingName  string    `json:"building_name"`
	AssistantID   int64     `json:"assistant_id"`
	AssistantName string    `json:"assistant_name"`
	PersonID      *int64    `json:"person_id,omitempty"`
	PersonName    string    `json:"person_name,omitempty"`
	Topic         string    `json:"topic"`
	Note          string    `json:"note,omitempty"`
	At            time.Time `json:"at"`
}

// LobbyVisitCount is how many visits an assistant received in a month.
type LobbyVisitCount struct {
	AssistantID   int64  `json:"assistant_id"`
	AssistantName string `json:"assistant_name"`
	Visits        int    `json:"visits"`
}

// LobbyService keeps the lobby reception hours and the visits received.
type LobbyService interface {
	// AddLobbyHours adds an entry to a month's schedule. EINVALID
	// (building_id, month, weekday, date, starts, ends, assistant_id)
	// stores nothing.
	AddLobbyHours(ctx context.Context, h *LobbyHours) error
	// RemoveLobbyHours removes an entry.
	RemoveLobbyHours(ctx context.Context, id int64) error
	// LobbyHours returns a month's schedule of a project, of one building
	// (buildingID 0: every building), by building, weekday, date and time;
	// what the printable notice and the portal show.
	LobbyHours(ctx context.Context, projectID, buildingID int64, month string) ([]*LobbyHours, error)
	// LogLobbyVisit logs a visit received in a lobby; on the resident's
	// timeline when one is named.
	LogLobbyVisit(ctx context.Context, v *LobbyVisit) error
	// FindLobbyVisits returns a month's visits of a project, latest first.
	FindLobbyVisits(ctx context.Context, projectID int64, month string) ([]*LobbyVisit, error)
	// LobbyVisitCounts counts a month's visits per assistant.
	LobbyVisitCounts(ctx context.Context, projectID int64, month string) ([]LobbyVisitCount, error)
}
