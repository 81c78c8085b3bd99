// Package seed fills a fresh database with a realistic demo company: 丽景苑
// and 海棠花园 — and, for a big company, one more community for about every
// 20,000 households — with zones, high-rise buildings and rooms; households
// of residents with Chinese names, phones, ID numbers, local plates, cards,
// special days, care flags and appliances; and staff of every post and role
// with known passwords.
//
// The data is deterministic given Options (and the database's clock, from
// which ages and card expiries count), and every value passes the
// validation of the services. Residents are written through
// sqlstore.Bulk, not the services: a million households take minutes, not
// hours, and the audit log gets one entry for the whole run.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// Password is the password of every demo account.
const Password = "Wubu2026"

// DefaultHouseholds is how many households the demo seeds by default: 丽景苑
// fills up to about 2,700 homes in high-rise buildings, 海棠花园 to about 700.
const DefaultHouseholds = 3000

// HouseholdsPerProject is about how many households each community has when
// a big company is seeded.
const HouseholdsPerProject = 20000

// Login is a demo account to print for the person trying Wubu.
type Login struct {
	Login, Name string
	Role        wubu.Role
	Post        wubu.Post
	Projects    string
}

// Options say how big a company to seed.
type Options struct {
	// Households is how many households (occupied homes) to create; 0
	// seeds the organisation and the staff only.
	Households int
	// Seed seeds the random generator: the same Seed and Households give
	// the same company.
	Seed uint64
	// Progress, if set, is called after every 10,000 households with the
	// number written so far.
	Progress func(households int)
}

// Result tells what Seed made: the projects, the number of rows of each
// kind (Households counts occupied homes, Persons their residents), and
// the demo accounts.
type Result struct {
	Projects    []*wubu.Project
	Buildings   int
	Rooms       int
	Households  int
	Persons     int
	Vehicles    int
	Cards       int
	SpecialDays int
	Appliances  int
	Logins      []Login
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
	{"security_lead", "安全班长 王强", wubu.RoleTeamLeader, wubu.PostSecurity, []string{"LJY"}, []assignPlan{{"1", wubu.AssignSecurityLeader}, {"2", wubu.AssignSecurityLeader}, {"3", wubu.AssignSecurityLeader}, {"5", wubu.AssignSecurityLeader}}},
	{"guard", "保安 李明", wubu.RoleStaff, wubu.PostSecurity, []string{"LJY"}, nil},
	{"cleaning_lead", "保洁班长 赵丽", wubu.RoleTeamLeader, wubu.PostCleaning, []string{"LJY"}, nil},
	{"cleaner", "保洁员 孙芳", wubu.RoleStaff, wubu.PostCleaning, []string{"LJY"}, nil},
	{"tech_lead", "维修班长 张伟", wubu.RoleTeamLeader, wubu.PostMaintenance, []string{"LJY"}, nil},
	{"tech", "维修工 黄磊", wubu.RoleStaff, wubu.PostMaintenance, []string{"LJY"}, nil},
	{"service_lead", "客服主管 吴静", wubu.RoleTeamLeader, wubu.PostService, []string{"LJY"}, nil},
	{"assistant", "客服助理 郑晓雯", wubu.RoleStaff, wubu.PostService, []string{"LJY"}, []assignPlan{{"1", wubu.AssignZoneAssistant}, {"2", wubu.AssignZoneAssistant}, {"3", wubu.AssignZoneAssistant}}},
	{"ht_manager", "海棠经理 何志强", wubu.RoleManager, wubu.PostNone, []string{"HTHY"}, nil},
	// 海棠花园 has no security team leader: its tenants go to the team
	// leaders of the project until one is named.
	{"ht_guard", "海棠保安 马超", wubu.RoleStaff, wubu.PostSecurity, []string{"HTHY"}, nil},
	{"ht_assistant", "海棠客服 林小燕", wubu.RoleStaff, wubu.PostService, []string{"HTHY"}, []assignPlan{{"1", wubu.AssignZoneAssistant}, {"2", wubu.AssignZoneAssistant}}},
}

// SystemContext is the context the seed acts in: a company admin with no
// account, as the command line does.
func SystemContext(ctx context.Context) context.Context {
	return wubu.NewContextWithUser(ctx, &wubu.User{Login: "system:seed", Role: wubu.RoleAdmin, Post: wubu.PostNone})
}

// Seed fills an empty database with the demo company. It returns ECONFLICT
// if the database already has projects, EINVALID for a negative number of
// households.
func Seed(ctx context.Context, db *sqlstore.DB, opts Options) (*Result, error) {
	ctx = SystemContext(ctx)
	if opts.Households < 0 {
		return nil, wubu.Errorf(wubu.EINVALID, "The number of households must not be negative.")
	}
	ps, us := sqlstore.NewProjectService(db), sqlstore.NewUserService(db)
	if existing, err := ps.FindProjects(ctx); err != nil {
		return nil, err
	} else if len(existing) > 0 {
		return nil, wubu.Errorf(wubu.ECONFLICT, "The database already has projects; seed only fills an empty one.")
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed2026))
	company := planCompany(opts.Households, rng)

	// The organisation and the residents, in one bulk load.
	b, err := db.BeginBulk(ctx)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			b.Rollback()
		}
	}()
	res := &Result{}
	if err := writeOrg(ctx, b, company, res); err != nil {
		return nil, err
	}
	today := db.Clock.Now().In(cst)
	done := 0
	for _, pp := range company {
		g := newGenerator(b, rng, pp, today)
		if err := g.households(ctx, func() {
			done++
			if opts.Progress != nil && done%10000 == 0 {
				opts.Progress(done)
			}
		}); err != nil {
			return nil, fmt.Errorf("seed %s: %w", pp.code, err)
		}
	}
	res.Households = done
	summary := map[string]any{"households": opts.Households, "seed": opts.Seed, "projects": len(company)}
	if err := b.Audit(ctx, "seed", fmt.Sprintf("households=%d seed=%d", opts.Households, opts.Seed), summary); err != nil {
		return nil, err
	}
	if err := b.Commit(ctx); err != nil {
		return nil, err
	}
	committed = true
	res.Buildings, res.Rooms = b.Rows["buildings"], b.Rows["rooms"]
	res.Persons, res.Vehicles, res.Cards = b.Rows["persons"], b.Rows["vehicles"], b.Rows["cards"]
	res.SpecialDays, res.Appliances = b.Rows["special_days"], b.Rows["appliances"]

	// Staff, through the service: passwords are hashed, assignments checked.
	codes := map[string]*projectPlan{}
	for _, pp := range company {
		codes[pp.code] = pp
	}
	for _, sp := range staff {
		nu := &wubu.NewUser{User: wubu.User{Login: sp.login, Name: sp.name, Role: sp.role, Post: sp.post}, Password: Password}
		for _, c := range sp.projects {
			nu.ProjectIDs = append(nu.ProjectIDs, codes[c].project.ID)
		}
		if err := us.CreateUser(ctx, nu); err != nil {
			return nil, fmt.Errorf("staff %s: %w", sp.login, err)
		}
		for _, a := range sp.assign {
			pp := codes[sp.projects[0]]
			if err := us.Assign(ctx, &wubu.Assignment{ProjectID: pp.project.ID, BuildingID: pp.buildingID(a.building), UserID: nu.ID, Kind: a.kind}); err != nil {
				return nil, fmt.Errorf("assign %s: %w", sp.login, err)
			}
		}
		res.Logins = append(res.Logins, loginOf(sp))
	}
	if err := seedSecurity(ctx, db, codes["LJY"].project); err != nil {
		return nil, err
	}
	if err := seedHousekeeping(ctx, db, codes["LJY"]); err != nil {
		return nil, err
	}
	if err := seedPatrols(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed patrols: %w", err)
	}
	if err := seedOrders(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed orders: %w", err)
	}
	if err := seedComplaints(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed complaints: %w", err)
	}
	if err := seedVisits(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed visits: %w", err)
	}
	if err := seedDesk(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed desk: %w", err)
	}
	if err := seedTraining(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed training: %w", err)
	}
	if err := seedRenovations(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed renovations: %w", err)
	}
	if err := seedEvents(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed events: %w", err)
	}
	if err := seedCommunity2(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed community: %w", err)
	}
	if err := seedCommunity3(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed notices and survey links: %w", err)
	}
	if err := seedPortal2(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed forum and visitors: %w", err)
	}
	if err := seedPortal(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed portal: %w", err)
	}
	if err := seedRoundTables(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed round tables: %w", err)
	}
	if err := seedSegments(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed segments: %w", err)
	}
	if err := seedCareVisits(ctx, db, codes["LJY"].project); err != nil {
		return nil, fmt.Errorf("seed care visits: %w", err)
	}
	return res, nil
}

func loginOf(sp staffPlan) Login {
	l := Login{Login: sp.login, Name: sp.name, Role: sp.role, Post: sp.post, Projects: "*"}
	if len(sp.projects) > 0 {
		l.Projects = fmt.Sprint(sp.projects)
	}
	return l
}

// Logins returns the demo accounts, for printing when the demo starts again
// on an already seeded database.
func Logins() []Login {
	var out []Login
	for _, sp := range staff {
		out = append(out, loginOf(sp))
	}
	return out
}

// China Standard Time: ages and dates of residents' lives are Chinese dates.
var cst = time.FixedZone("CST", 8*3600)
