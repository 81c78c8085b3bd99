package sqlstore

import (
	"context"

	"github.com/wubu-oss/wubu"
)

// A resident's complaints (U4) and hazard reports (S11) on the portal:
// filed, followed, the revisit answered — the complaint's and the
// hazard's own life-cycle steps.

func notFoundComplaint() error { return wubu.Errorf(wubu.ENOTFOUND, "Complaint not found.") }

// Complaints lists the resident's own complaints, newest first.
func (s *PortalService) Complaints(ctx context.Context) ([]*wubu.Complaint, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+complaintColumns+`, d.due_at`+complaintFrom+complaintDue+` WHERE c.project_id = ? AND c.person_id = ?
		ORDER BY c.received_at DESC, c.id DESC LIMIT 100`, id.ProjectID, id.PersonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.db.now()
	var out []*wubu.Complaint
	for rows.Next() {
		c, err := scanComplaintDue(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// complaint reads one of the resident's complaints; another is not found.
func (s *PortalService) complaint(ctx context.Context, complaintID int64) (*wubu.Complaint, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	c, err := scanComplaintDue(s.db.queryRow(ctx, `SELECT `+complaintColumns+`, d.due_at`+complaintFrom+complaintDue+` WHERE c.id = ?`, complaintID), s.db.now())
	if err != nil || c.ProjectID != id.ProjectID || c.PersonID == nil || *c.PersonID != id.PersonID {
		return nil, notFoundComplaint()
	}
	return c, nil
}

// Complaint returns one of the resident's complaints with its photos.
func (s *PortalService) Complaint(ctx context.Context, complaintID int64) (*wubu.Complaint, error) {
	c, err := s.complaint(ctx, complaintID)
	if err != nil {
		return nil, err
	}
	return s.complaints.withLinks(ctx, c)
}

// FileComplaint files a complaint on the portal.
func (s *PortalService) FileComplaint(ctx context.Context, pc *wubu.PortalComplaint, photos ...*wubu.Photo) (*wubu.Complaint, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	c := &wubu.Complaint{ProjectID: id.ProjectID, Channel: wubu.ComplaintOnPortal, Category: pc.Category, Severity: wubu.SeverityMedium,
		PersonID: &id.PersonID, Description: pc.Description, Wish: pc.Wish}
	if err := s.complaints.ReceiveComplaint(ctx, c, photos...); err != nil {
		return nil, err
	}
	return s.Complaint(ctx, c.ID)
}

// AnswerRevisit answers the revisit of a replied complaint.
func (s *PortalService) AnswerRevisit(ctx context.Context, complaintID int64, satisfied bool, note string) (*wubu.Complaint, error) {
	if _, err := s.complaint(ctx, complaintID); err != nil {
		return nil, err
	}
	action, fn := revisitStep(satisfied, note)
	if _, err := runStep(ctx, s.complaints.run, complaints, complaintID, action, fn); err != nil {
		return nil, err
	}
	return s.Complaint(ctx, complaintID)
}

// ReportHazard reports a hazard or suggestion with a photo and place, in
// the building of the resident's first home.
func (s *PortalService) ReportHazard(ctx context.Context, ph *wubu.PortalHazard, photo *wubu.Photo) (*wubu.Hazard, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	h := &wubu.Hazard{ProjectID: id.ProjectID, Source: wubu.HazardFromResident, PersonID: &id.PersonID, Place: ph.Place, Description: ph.Description, Severity: ph.Severity}
	if h.Severity == "" {
		h.Severity = wubu.SeverityLow
	}
	if len(id.Homes) > 0 {
		h.BuildingID = &id.Homes[0].BuildingID
	}
	if err := s.hazards.ReportHazard(ctx, h, photo); err != nil {
		return nil, err
	}
	return h, nil
}

// Hazards lists the resident's own hazard reports, newest first.
func (s *PortalService) Hazards(ctx context.Context) ([]*wubu.Hazard, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+hazardColumns+hazardFrom+` WHERE h.project_id = ? AND h.person_id = ? AND h.source = ? ORDER BY h.id DESC LIMIT 100`,
		id.ProjectID, id.PersonID, wubu.HazardFromResident)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.db.now()
	var out []*wubu.Hazard
	for rows.Next() {
		h, err := scanHazard(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
