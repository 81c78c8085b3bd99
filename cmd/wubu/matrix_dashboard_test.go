package main

import "github.com/wubu-oss/wubu"

// The dashboard's routes in the permission matrix (issue 17): the project
// dashboard, its export, the list behind a promise figure and the figures
// of the API, for those who lead and the quality department.
func init() {
	reporters := []wubu.Role{wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleQuality, wubu.RoleAdmin}
	addMatrix(map[string]matrixEntry{
		"GET /projects/{id}/dashboard":        {allow: reporters},
		"GET /projects/{id}/dashboard/export": {allow: reporters},
		"GET /projects/{id}/promises":         {allow: reporters},
		"GET /api/v1/projects/{id}/figures":   {allow: reporters},
	}, nil)
}
