package seed

import (
	"context"
	"fmt"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedCommunity2 gives 丽景苑 its sales office's buyer list (K6): the
// assistant as its custodian and three buyers of still empty units of
// building 2, each with an invitation code.
func seedCommunity2(ctx context.Context, db *sqlstore.DB, p *wubu.Project) error {
	staff, err := staffByLogin(ctx, db, p.ID)
	if err != nil {
		return err
	}
	assistant := staff["assistant"]
	if assistant == nil {
		return nil
	}
	ps := sqlstore.NewProspectService(db)
	if err := ps.SetProspectCustodian(ctx, p.ID, assistant.ID); err != nil {
		return fmt.Errorf("prospect custodian: %w", err)
	}
	empty, err := emptyRooms(ctx, db, p.ID, "2")
	if err != nil {
		return err
	}
	buyers := []struct{ name, address string }{
		{"赵明远", "北京市海淀区中关村大街27号院3号楼502"},
		{"钱婉清", "上海市浦东新区世纪大道100号18层"},
		{"孙浩然", "广州市天河区体育西路191号中石化大厦B座1206"},
	}
	for i, b := range buyers {
		if i >= len(empty) {
			break
		}
		if err := ps.AddProspect(ctx, &wubu.Prospect{ProjectID: p.ID, Name: b.name, Address: b.address, Unit: empty[len(empty)-1-i].Label}); err != nil {
			return fmt.Errorf("prospect: %w", err)
		}
	}
	return nil
}
