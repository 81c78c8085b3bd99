package main

// The routes of onboarding a community from its files (F6, issue 11).
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /projects/{id}/residents/import/template": {allow: managers},
	}, nil)
}

func init() {
	// Without a job of the caller's, the progress answers 404.
	addMatrix(map[string]matrixEntry{
		"GET /projects/{id}/residents/import/progress": {allow: managers},
	}, nil)
}

func init() {
	// A room's floor area, set from its building's page.
	addMatrix(map[string]matrixEntry{
		"POST /buildings/{id}/area": {allow: managers, body: "room_id={room}&area=89.5"},
	}, nil)
}

func init() {
	// Without a job of the caller's, a background import answers 404.
	addMatrix(map[string]matrixEntry{
		"GET /api/v1/projects/{id}/residents/import/jobs/{job}": {allow: managers, missingOK: true},
	}, nil)
}
