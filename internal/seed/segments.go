package seed

import (
	"context"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// seedSegments saves two customer segments (U2) of a project for the demo:
// the residents cared for, to greet and visit, and the owners over 60 of
// building 1, the audience of a notice.
func seedSegments(ctx context.Context, db *sqlstore.DB, p *wubu.Project) error {
	ss := sqlstore.NewSegmentService(db)
	sixty := 60
	for _, s := range []*wubu.Segment{
		{ProjectID: p.ID, Name: "关爱对象（独居老人、行动不便）", Query: wubu.SegmentQuery{CareFlags: []wubu.CareFlag{wubu.CareElderlyAlone, wubu.CareMobility}}},
		{ProjectID: p.ID, Name: "60 岁以上业主", Query: wubu.SegmentQuery{Relations: []wubu.Relation{wubu.RelationOwner}, AgeMin: &sixty}},
	} {
		if err := ss.SaveSegment(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
