// Package seed fills a fresh database with a realistic demo company: two
// communities with zones and high-rise buildings, and staff of every post
// and role with known passwords.
package seed

import (
	"context"
	"fmt"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// Password is the password of every demo account.
const Password = "Wubu2026"

// Login is a demo account to print for the person trying Wubu.
type Login struct {
	Login, Name string
	Role        wubu.Role
	Post        wubu.Post
	Projects    string
}

// Result tells what Seed made.
type Result struct {
	Projects []*wubu.Project
	Rooms    int
	Logins   []Login
}

type projectPlan struct {
	code, name string
	zones      []zonePlan
}

type zonePlan struct {
	name      string
	buildings []wubu.RoomGeneration
}

// plan is the demo company: 丽景苑, a high-rise community of 4,000 homes,
// and 海棠花园, a smaller garden community.
var plan = []projectPlan{
	{code: "LJY", name: "丽景苑", zones: []zonePlan{
		{name: "东区", buildings: []wubu.RoomGeneration{
			{Building: "1", Units: 2, Floors: 33, PerFloor: 4},
			{Building: "2", Units: 2, Floors: 33, PerFloor: 4},
			{Building: "3", Units: 2, Floors: 33, PerFloor: 4},
		}},
		{name: "西区", buildings: []wubu.RoomGeneration{
			{Building: "5", Units: 3, Floors: 26, PerFloor: 2},
			{Building: "6", Units: 3, Floors: 26, PerFloor: 2},
		}},
	}},
	{code: "HTHY", name: "海棠花园", zones: []zonePlan{
		{name: "花园区", buildings: []wubu.RoomGeneration{
			{Building: "1", Units: 2, Floors: 11, PerFloor: 2},
			{Building: "2", Units: 2, Floors: 11, PerFloor: 2},
			{Building: "3", Units: 1, Floors: 6, PerFloor: 2},
		}},
	}},
}

type staffPlan struct {
	login, name string
	role        wubu.Role
	post        wubu.Post
	projects    []string // codes; empty for the admin
	assign      []assignPlan
}

type assignPlan struct {
	building string
	kind     wubu.AssignmentKind
}

var staff = []staffPlan{
	{"admin", "公司管理员", wubu.RoleAdmin, wubu.PostNone, nil, nil},
	{"quality", "品质部 周敏", wubu.RoleQuality, wubu.PostNone, []string{"LJY", "HTHY"}, nil},
	{"manager", "经理 陈建国", wubu.RoleManager, wubu.PostNone, []string{"LJY"}, nil},
	{"duty", "值班经理 刘洋", wubu.RoleDutyManager, wubu.PostNone, []string{"LJY"}, nil},
	{"security_lead", "安全班长 王强", wubu.RoleTeamLeader, wubu.PostSecurity, []string{"LJY"}, []assignPlan{{"1", wubu.AssignSecurityLeader}, {"2", wubu.AssignSecurityLeader}, {"3", wubu.AssignSecurityLeader}}},
	{"guard", "保安 李明", wubu.RoleStaff, wubu.PostSecurity, []string{"LJY"}, []assignPlan{{"5", wubu.AssignSecurityLeader}}},
	{"cleaning_lead", "保洁班长 赵丽", wubu.RoleTeamLeader, wubu.PostCleaning, []string{"LJY"}, nil},
	{"cleaner", "保洁员 孙芳", wubu.RoleStaff, wubu.PostCleaning, []string{"LJY"}, nil},
	{"tech_lead", "维修班长 张伟", wubu.RoleTeamLeader, wubu.PostMaintenance, []string{"LJY"}, nil},
	{"tech", "维修工 黄磊", wubu.RoleStaff, wubu.PostMaintenance, []string{"LJY"}, nil},
	{"service_lead", "客服主管 吴静", wubu.RoleTeamLeader, wubu.PostService, []string{"LJY"}, nil},
	{"assistant", "客服助理 郑晓雯", wubu.RoleStaff, wubu.PostService, []string{"LJY"}, []assignPlan{{"1", wubu.AssignZoneAssistant}, {"2", wubu.AssignZoneAssistant}, {"3", wubu.AssignZoneAssistant}}},
	{"ht_manager", "海棠经理 何志强", wubu.RoleManager, wubu.PostNone, []string{"HTHY"}, nil},
	{"ht_guard", "海棠保安 马超", wubu.RoleStaff, wubu.PostSecurity, []string{"HTHY"}, []assignPlan{{"1", wubu.AssignSecurityLeader}}},
	{"ht_assistant", "海棠客服 林小燕", wubu.RoleStaff, wubu.PostService, []string{"HTHY"}, []assignPlan{{"1", wubu.AssignZoneAssistant}, {"2", wubu.AssignZoneAssistant}}},
}

// Seed fills an empty database with the demo company. It returns ECONFLICT
// if the database already has projects.
func Seed(ctx context.Context, db *sqlstore.DB) (*Result, error) {
	ctx = wubu.NewContextWithUser(ctx, &wubu.User{Login: "system:seed", Role: wubu.RoleAdmin, Post: wubu.PostNone})
	ps, org, us := sqlstore.NewProjectService(db), sqlstore.NewOrgService(db), sqlstore.NewUserService(db)
	if existing, err := ps.FindProjects(ctx); err != nil {
		return nil, err
	} else if len(existing) > 0 {
		return nil, wubu.Errorf(wubu.ECONFLICT, "The database already has projects; seed only fills an empty one.")
	}
	res := &Result{}
	codes := map[string]*wubu.Project{}
	buildings := map[string]map[string]int64{}
	for _, pp := range plan {
		p := &wubu.Project{Code: pp.code, Name: pp.name}
		if err := ps.CreateProject(ctx, p); err != nil {
			return nil, fmt.Errorf("project %s: %w", pp.code, err)
		}
		res.Projects = append(res.Projects, p)
		codes[p.Code] = p
		buildings[p.Code] = map[string]int64{}
		for _, zp := range pp.zones {
			z := &wubu.Zone{ProjectID: p.ID, Name: zp.name}
			if err := org.CreateZone(ctx, z); err != nil {
				return nil, fmt.Errorf("zone %s: %w", zp.name, err)
			}
			for _, g := range zp.buildings {
				g.ProjectID, g.ZoneID = p.ID, &z.ID
				r, err := org.GenerateRooms(ctx, g)
				if err != nil {
					return nil, fmt.Errorf("building %s: %w", g.Building, err)
				}
				res.Rooms += r.Created
				buildings[p.Code][g.Building] = r.Building.ID
			}
		}
	}
	for _, sp := range staff {
		nu := &wubu.NewUser{User: wubu.User{Login: sp.login, Name: sp.name, Role: sp.role, Post: sp.post}, Password: Password}
		for _, c := range sp.projects {
			nu.ProjectIDs = append(nu.ProjectIDs, codes[c].ID)
		}
		if err := us.CreateUser(ctx, nu); err != nil {
			return nil, fmt.Errorf("staff %s: %w", sp.login, err)
		}
		for _, a := range sp.assign {
			code := sp.projects[0]
			if err := us.Assign(ctx, &wubu.Assignment{ProjectID: codes[code].ID, BuildingID: buildings[code][a.building], UserID: nu.ID, Kind: a.kind}); err != nil {
				return nil, fmt.Errorf("assign %s: %w", sp.login, err)
			}
		}
		l := Login{Login: sp.login, Name: sp.name, Role: sp.role, Post: sp.post, Projects: "*"}
		if len(sp.projects) > 0 {
			l.Projects = fmt.Sprint(sp.projects)
		}
		res.Logins = append(res.Logins, l)
	}
	return res, nil
}

// Logins returns the demo accounts, for printing when the demo starts again
// on an already seeded database.
func Logins() []Login {
	var out []Login
	for _, sp := range staff {
		l := Login{Login: sp.login, Name: sp.name, Role: sp.role, Post: sp.post, Projects: "*"}
		if len(sp.projects) > 0 {
			l.Projects = fmt.Sprint(sp.projects)
		}
		out = append(out, l)
	}
	return out
}
