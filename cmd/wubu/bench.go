package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/loadgen"
	"github.com/wubu-oss/wubu/internal/server"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// benchConfig is what wubu bench measures.
type benchConfig struct {
	clients     int
	duration    time.Duration
	warmup      time.Duration
	maxRequests int
	queries     []string
	paths       []string
	scope       string // "project" or "company"
	project     string // the project's code for the project scope
	samples     int
	cpuProfile  string
}

// Query kinds and paths of the benchmark.
var (
	benchQueries = []string{"plate", "room", "name", "pinyin"}
	benchPaths   = []string{"http", "service", "sql"}
)

// cmdBench measures the one-box lookup on a seeded database: the real
// server in this process on a loopback port, signed in as a staff account
// over the API, and a closed-loop load of concurrent clients; then the same
// queries through the resident service and as plain SQL through the same
// driver and pool (the floor). It prints requests, throughput and
// latencies per query kind and path, and the resident memory while serving.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var bc benchConfig
	fs := newFlags("bench", "bench [--db DSN] [--data DIR] [--clients 16] [--duration 20s] [--queries plate,room,name,pinyin] [--scope project|company]", &cfg, stderr)
	fs.IntVar(&bc.clients, "clients", 16, "concurrent clients")
	fs.DurationVar(&bc.duration, "duration", 20*time.Second, "measured time of each query kind on each path")
	fs.DurationVar(&bc.warmup, "warmup", 2*time.Second, "unmeasured time before each measurement")
	fs.IntVar(&bc.maxRequests, "max-requests", 2_000_000, "stop a measurement after this many requests")
	queries := fs.String("queries", strings.Join(benchQueries, ","), "query `kinds`: plate (last 4 characters), room (3-2-1201 and 3栋2单元1201), name, pinyin (initials)")
	paths := fs.String("paths", strings.Join(benchPaths, ","), "`paths` to measure: http (the API), service (ResidentService.Lookup in process), sql (the lookup's statements through database/sql)")
	fs.StringVar(&bc.scope, "scope", "project", "`scope` of the lookups: project (a front-desk account of one project) or company (an admin searching every project)")
	fs.StringVar(&bc.project, "project", "LJY", "project `code` of the project scope")
	fs.IntVar(&bc.samples, "samples", 2000, "values sampled from the database per query kind")
	fs.StringVar(&bc.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to `file` (go tool pprof)")
	portal := fs.Bool("portal", false, "measure the residents' portal instead: sign-in codes at 200/s, the start page and the repair list")
	noCache := fs.Bool("no-cache", false, "authenticate every request from the database (turn the server's session cache off)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bc.queries, bc.paths = strings.Split(*queries, ","), strings.Split(*paths, ",")
	for _, q := range bc.queries {
		if !slices.Contains(benchQueries, q) {
			return usageError{fmt.Sprintf("bench: unknown query kind %q (plate, room, name, pinyin)", q)}
		}
	}
	for _, p := range bc.paths {
		if !slices.Contains(benchPaths, p) {
			return usageError{fmt.Sprintf("bench: unknown path %q (http, service, sql)", p)}
		}
	}
	if bc.scope != "project" && bc.scope != "company" {
		return usageError{"bench: --scope is project or company"}
	}
	if bc.clients < 1 || bc.clients > 1024 || bc.duration <= 0 || bc.samples < 1 {
		return usageError{"bench: --clients must be 1…1024, --duration and --samples positive"}
	}
	m := &Main{Config: cfg, Logger: newLogger(stderr)}
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	if *noCache {
		m.DB.CacheSessions(0)
	}
	if bc.cpuProfile != "" {
		f, err := os.Create(bc.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *portal {
		return runPortalBench(ctx, m, bc, stdout)
	}
	return runBench(ctx, m, bc, stdout)
}

// benchServer starts the real server on a loopback port; stop shuts it
// down.
func benchServer(m *Main) (s *server.Server, stop func(), err error) {
	if s, err = m.NewServer(); err != nil {
		return nil, nil, err
	}
	if err := s.Listen("127.0.0.1:0"); err != nil {
		return nil, nil, err
	}
	go s.Serve()
	return s, func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(shutdown)
	}, nil
}

// benchRun is one measurement: a query kind on a path.
type benchRun struct {
	query, path  string
	res          *loadgen.Result
	self, others float64 // shares of the machine's processor time
}

func runBench(ctx context.Context, m *Main, bc benchConfig, stdout io.Writer) error {
	sys := systemContext(ctx)
	db := m.DB

	// The projects searched, and the account that searches them.
	projects, err := sqlstore.NewProjectService(db).FindProjects(sys)
	if err != nil {
		return err
	}
	if len(projects) == 0 {
		return wubu.Errorf(wubu.EINVALID, "The database has no projects: seed it first (wubu seed --households N).")
	}
	var scope []int64
	var projectID int64
	login, role, post := "bench_admin", wubu.RoleAdmin, wubu.PostNone
	if bc.scope == "project" {
		p, err := sqlstore.NewProjectService(db).FindProjectByCode(sys, bc.project)
		if err != nil {
			return err
		}
		scope, projectID = []int64{p.ID}, p.ID
		login, role, post = "bench", wubu.RoleTeamLeader, wubu.PostService
	} else {
		for _, p := range projects {
			scope = append(scope, p.ID)
		}
	}
	counts, err := db.ResidentCounts(ctx, scope)
	if err != nil {
		return err
	}
	allCounts := counts
	if bc.scope == "project" {
		all := make([]int64, len(projects))
		for i, p := range projects {
			all[i] = p.ID
		}
		if allCounts, err = db.ResidentCounts(ctx, all); err != nil {
			return err
		}
	}
	samples, err := db.SampleLookups(ctx, scope, bc.samples, 1)
	if err != nil {
		return err
	}
	password, err := benchAccount(sys, db, login, role, post, scope)
	if err != nil {
		return err
	}

	// The real server, on a loopback port.
	s, stop, err := benchServer(m)
	if err != nil {
		return err
	}
	defer stop()
	// One keep-alive connection per load client.
	httpClient := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: bc.clients, MaxIdleConnsPerHost: bc.clients, MaxConnsPerHost: bc.clients, DisableCompression: true}}
	token, err := benchSignIn(ctx, httpClient, s.URL(), login, password)
	if err != nil {
		return err
	}
	user, _, err := sqlstore.NewAuthService(db).Authenticate(ctx, token)
	if err != nil {
		return err
	}
	userCtx := wubu.NewContextWithUser(ctx, user)

	fmt.Fprintf(stdout, "Wubu lookup benchmark — %s, %s persons, %s vehicles, %s rooms in %d projects\n",
		db.Dialect, thousands(allCounts["persons"]), thousands(allCounts["vehicles"]), thousands(allCounts["rooms"]), len(projects))
	if bc.scope == "project" {
		fmt.Fprintf(stdout, "Scope: project %s (%s persons, %s vehicles, %s rooms), as %s (%s, %s)\n",
			bc.project, thousands(counts["persons"]), thousands(counts["vehicles"]), thousands(counts["rooms"]), login, role, post)
	} else {
		fmt.Fprintf(stdout, "Scope: every project, as %s (%s)\n", login, role)
	}
	fmt.Fprintf(stdout, "%d clients, closed loop, %s per row after %s warm-up, at most %s requests; %d samples per kind; GOMAXPROCS %d, %d CPUs, %s\n\n",
		bc.clients, bc.duration, bc.warmup, thousands(int64(bc.maxRequests)), bc.samples, runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.Version())

	values := func(kind string) []string {
		switch kind {
		case "plate":
			return samples.PlateSuffixes
		case "room":
			// Both forms people write: 3-2-1201 and 3栋2单元1201.
			var out []string
			for i, r := range samples.Rooms {
				if parts := strings.Split(r, "-"); i%2 == 1 && len(parts) == 3 {
					r = parts[0] + "栋" + parts[1] + "单元" + parts[2]
				}
				out = append(out, r)
			}
			return out
		case "name":
			return samples.Names
		}
		return samples.Initials
	}
	rs := sqlstore.NewResidentService(db)
	opts := loadgen.Options{Clients: bc.clients, Duration: bc.duration, Warmup: bc.warmup, MaxRequests: bc.maxRequests}
	var runs []benchRun
	var servingRSS int64
	for _, kind := range bc.queries {
		vals := values(kind)
		pick := func(client, i int) string { return vals[(client*7919+i)%len(vals)] }
		for _, path := range bc.paths {
			var do loadgen.Request
			switch path {
			case "http":
				base := s.URL() + "/api/v1/lookup?"
				do = func(ctx context.Context, client, i int) (bool, error) {
					q := url.Values{"q": {pick(client, i)}}
					if projectID != 0 {
						q.Set("project_id", strconv.FormatInt(projectID, 10))
					}
					return benchGet(ctx, httpClient, base+q.Encode(), token)
				}
			case "service":
				do = func(_ context.Context, client, i int) (bool, error) {
					res, err := rs.Lookup(userCtx, projectID, pick(client, i), 0)
					return len(res) > 0, err
				}
			case "sql":
				do = func(ctx context.Context, client, i int) (bool, error) {
					return benchSQL(ctx, db, scope, pick(client, i))
				}
			}
			watch, stop := context.WithCancel(ctx)
			rss := loadgen.WatchMemory(watch, 200*time.Millisecond)
			cpu := loadgen.ReadCPU()
			res := loadgen.Run(ctx, opts, do)
			self, others := cpu.Shares(loadgen.ReadCPU())
			stop()
			if path == "http" {
				servingRSS = max(servingRSS, <-rss)
			}
			if res.FirstError != nil {
				return fmt.Errorf("bench %s over %s: %w", kind, path, res.FirstError)
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			runs = append(runs, benchRun{kind, path, res, self, others})
		}
	}
	printBench(stdout, runs)
	fmt.Fprintf(stdout, "\nCPU: this process's share of the machine's processor time during the row; OTHERS: the share of every other\n"+
		"process (PostgreSQL's server among them): figures measured while OTHERS is more than a few per cent were\n"+
		"shared with other work. REQ/CPU-S: requests per second of this process's processor time, which such\n"+
		"sharing skews less (on SQLite it is the whole cost; on PostgreSQL the server's share is not in it).\n")
	mem := loadgen.ReadMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(stdout, "Resident memory of this process (server, load generator and floors): %s at most while serving HTTP (VmRSS sampled every 200 ms), peak %s over the whole run (VmHWM); Go heap %s in use, %s from the system.\n",
		loadgen.MiB(servingRSS), loadgen.MiB(mem.Peak), loadgen.MiB(int64(ms.HeapInuse)), loadgen.MiB(int64(ms.Sys)))
	return nil
}

// printBench prints the table: one line per query kind and path, with the
// HTTP throughput as a share of the plain SQL's.
func printBench(w io.Writer, runs []benchRun) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "QUERY\tPATH\tREQUESTS\tREQ/S\tP50\tP99\tMAX\tFOUND\tOF SQL\tCPU\tOTHERS\tREQ/CPU-S\t")
	floor := map[string]float64{}
	for _, r := range runs {
		if r.path == "sql" {
			floor[r.query] = r.res.Throughput()
		}
	}
	for _, r := range runs {
		of := ""
		if f := floor[r.query]; f > 0 && r.path != "sql" {
			of = fmt.Sprintf("%.0f%%", 100*r.res.Throughput()/f)
		}
		found := 0.0
		if r.res.Requests > 0 {
			found = 100 * float64(r.res.Found) / float64(r.res.Requests)
		}
		perCPU := 0.0
		if r.self > 0 {
			perCPU = r.res.Throughput() / (r.self * float64(runtime.NumCPU()))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f%%\t%s\t%.0f%%\t%.0f%%\t%s\t\n", r.query, r.path, thousands(int64(r.res.Requests)),
			thousands(int64(r.res.Throughput()+0.5)), ms(r.res.Percentile(0.50)), ms(r.res.Percentile(0.99)), ms(r.res.Percentile(1)), found, of,
			100*r.self, 100*r.others, thousands(int64(perCPU+0.5)))
	}
	tw.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// benchAccount creates the benchmark's account, or brings it up to date,
// with a new random password, which it returns.
func benchAccount(ctx context.Context, db *sqlstore.DB, login string, role wubu.Role, post wubu.Post, projects []int64) (string, error) {
	b := make([]byte, 12)
	rand.Read(b)
	password := "Bench-" + hex.EncodeToString(b) + "-2026x"
	us := sqlstore.NewUserService(db)
	list, _, err := us.FindUsers(ctx, wubu.UserFilter{Query: login, Limit: 100})
	if err != nil {
		return "", err
	}
	for _, u := range list {
		if u.Login != login {
			continue
		}
		if role == wubu.RoleAdmin {
			projects = []int64{}
		}
		disabled := false
		if _, err := us.UpdateUser(ctx, u.ID, wubu.UserUpdate{Role: &role, Post: &post, ProjectIDs: &projects, Disabled: &disabled}); err != nil {
			return "", err
		}
		return password, us.SetPassword(ctx, u.ID, password)
	}
	nu := &wubu.NewUser{User: wubu.User{Login: login, Name: "基准测试 " + login, Role: role, Post: post, ProjectIDs: projects}, Password: password}
	return password, us.CreateUser(ctx, nu)
}

// benchSignIn signs in over the API and returns the session token.
func benchSignIn(ctx context.Context, client *http.Client, base, login, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"login": login, "password": password})
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/login", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.Token == "" {
		return "", fmt.Errorf("bench: sign-in over the API: status %d, %v", resp.StatusCode, err)
	}
	return out.Token, nil
}

// benchGet sends one lookup and reports whether it found anyone.
func benchGet(ctx context.Context, client *http.Client, u, token string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return false, err
	}
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("GET %s: status %d: %s", u, resp.StatusCode, body)
	}
	return bytes.Contains(body, []byte(`"person_id"`)), nil
}

// benchSQL runs the statements the lookup runs for q as plain SQL through
// the read pool: the searches, each returning what the lookup shows of the
// persons found, until 20 persons are found, reading every row and column.
func benchSQL(ctx context.Context, db *sqlstore.DB, scope []int64, q string) (bool, error) {
	const limit = 20
	found := 0
	for _, st := range db.LookupSearches(scope, strings.TrimSpace(q), limit) {
		if found >= limit {
			break
		}
		n, err := drain(ctx, db, st)
		if err != nil {
			return false, err
		}
		found += n
	}
	return found > 0, nil
}

// drain runs a query, reads all its rows and returns how many.
func drain(ctx context.Context, db *sqlstore.DB, st sqlstore.LookupStatement) (int, error) {
	rows, err := db.LookupQuery(ctx, st)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	dest := make([]any, len(cols))
	for i := range dest {
		dest[i] = new(sql.RawBytes)
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
