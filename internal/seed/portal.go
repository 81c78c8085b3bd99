package seed

import (
	"context"
	"fmt"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The residents' portal in the demo (issue 15): the owner of 3-2-1201 —
// the README's 侯萍 — signs in with DemoResidentPhone (the code arrives in
// the demo's SMS sink), and a tenant of the room has a release pass
// waiting at the gate for the owner's tap.
const (
	DemoResidentRoom  = "3-2-1201"
	DemoResidentPhone = "13512341201"
	DemoTenantPhone   = "13512341202"
)

func seedPortal(ctx context.Context, db *sqlstore.DB, project *wubu.Project) error {
	byLogin, err := staffByLogin(ctx, db, project.ID)
	if err != nil {
		return err
	}
	guard, assistant := byLogin["guard"], byLogin["assistant"]
	if guard == nil || assistant == nil {
		return nil
	}
	actx := wubu.NewContextWithUser(ctx, assistant)
	rs := sqlstore.NewResidentService(db)
	hits, err := rs.Lookup(actx, project.ID, DemoResidentRoom, 10)
	if err != nil {
		return err
	}
	var owner *wubu.LookupResult
	for _, h := range hits {
		if h.Relation == wubu.RelationOwner && h.Room == DemoResidentRoom {
			owner = h
			break
		}
	}
	if owner == nil {
		return nil // a small demo without the room
	}
	res, err := rs.FindResident(actx, owner.PersonID)
	if err != nil {
		return err
	}
	// The card shows phones masked: the demo number replaces them.
	phones := []string{DemoResidentPhone}
	if _, err := rs.UpdatePerson(actx, owner.PersonID, wubu.PersonUpdate{Phones: &phones}); err != nil {
		return fmt.Errorf("demo resident's phone: %w", err)
	}
	var roomID int64
	for _, h := range res.Households {
		if h.RoomLabel == DemoResidentRoom {
			roomID = h.RoomID
		}
	}
	tenant := &wubu.Person{ProjectID: project.ID, Name: "刘晓东", Phones: []string{DemoTenantPhone}}
	if err := rs.CreatePersonInRoom(actx, tenant, &wubu.Household{RoomID: roomID, Relation: wubu.RelationTenant}); err != nil {
		return fmt.Errorf("demo tenant: %w", err)
	}
	cal, err := calendar.New()
	if err != nil {
		return err
	}
	passes := sqlstore.NewPassService(db, sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal}))
	if _, err := passes.StartPass(wubu.NewContextWithUser(ctx, guard), &wubu.NewPass{ProjectID: project.ID, RoomID: roomID, PersonID: &tenant.ID,
		Items: []string{"电脑桌 1 张", "行李箱 2 个"}, Gate: "东门"}); err != nil {
		return fmt.Errorf("demo tenant's pass: %w", err)
	}
	return nil
}
