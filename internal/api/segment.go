package api

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// segmentRoutes are the query and analysis of customer data (U2).
func (h *Handler) segmentRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("POST", "/projects/{id}/segments/query", wubu.PermSegmentQuery, call(h, http.StatusOK, h.segmentQuery)),
		r("GET", "/projects/{id}/segments", wubu.PermSegmentQuery, call(h, http.StatusOK, h.segmentList)),
		r("POST", "/projects/{id}/segments", wubu.PermSegmentQuery, call(h, http.StatusCreated, h.segmentCreate)),
		r("DELETE", "/segments/{id}", wubu.PermSegmentQuery, call(h, http.StatusNoContent, h.segmentDelete)),
	}
}

// segmentQueryRequest is a query with the page of residents wanted.
type segmentQueryRequest struct {
	wubu.SegmentQuery
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// segmentQuery answers the residents a query selects (a page) and its
// counts; phones are masked.
func (h *Handler) segmentQuery(r *http.Request, id int64, req segmentQueryRequest) (*wubu.SegmentResult, error) {
	return h.Segments.QuerySegment(r.Context(), id, req.SegmentQuery, req.Offset, req.Limit)
}

func (h *Handler) segmentList(r *http.Request, id int64, _ none) (list[*wubu.Segment], error) {
	s, err := h.Segments.FindSegments(r.Context(), id)
	return newList(s, len(s), 0), err
}

func (h *Handler) segmentCreate(r *http.Request, id int64, s wubu.Segment) (*wubu.Segment, error) {
	s.ID, s.ProjectID = 0, id
	if err := h.Segments.SaveSegment(r.Context(), &s); err != nil {
		return nil, err
	}
	return h.Segments.FindSegment(r.Context(), s.ID)
}

func (h *Handler) segmentDelete(r *http.Request, id int64, _ none) (none, error) {
	return none{}, h.Segments.DeleteSegment(r.Context(), id)
}
