-- wrk script of bench/soak.sh: every request is a POST /graphql of the next
-- query of a mixed list (the questions README and the playground lead to:
-- honours, places with containedIn/contains/residents, search in Chinese
-- and pinyin, entities by id, a two-hop walk with evidence, figures, an
-- export fragment of the vocabulary), rotating per thread; every response is
-- counted by status, and a 200 whose body holds "errors" counts as a
-- GraphQL error. done() prints one line soak.sh reads:
--
--   soak: requests=N status2xx=N non2xx=N status5xx=N gqlerrors=N
--         connect=N read=N write=N timeout=N

local queries = {
  [[query Honours { entity(id: "person/ma-shanxiang") { name ... on Person { honours { honour { name } time timeInferred evidence { quote start end } } } } }]],
  [[query Place { entity(id: "place/hongtudi-shequ") { name ... on Place { containedIn { name } contains { id name type } residents { name description } } relations(predicate: "residentOf", direction: IN) { label target { name } qualifiers { key value inferred } evidence { quote } } } }]],
  [[query Place { entity(id: "place/wulidian-jiedao") { name ... on Place { containedIn { name } contains { id name type } residents { name description } } } }]],
  [[query Search { search(text: "老马") { how matched score entity { id type name } } }]],
  [[query Search { search(text: "mashanxiang") { how matched score entity { id type name } } }]],
  [[query Entity { entity(id: "company/zhifei-shengwu") { id iri type name aliases pinyin description category identifiers { scheme value } relationCount } }]],
  [[query Entity { entity(id: "place/jiangbei-qu") { id iri type name aliases description identifiers { scheme value } relationCount } }]],
  [[query Walk { entity(id: "person/ma-shanxiang") { id name relations(first: 20) { predicate label direction qualifiers { key value inferred } evidence { quote start end source { id } } target { id name relations(first: 10) { label target { id name } evidence { quote start end } } } } } }]],
  [[query Figures { entity(id: "place/jiangbei-qu") { name figures(period: "2020") { indicator stated value unit modifier period periodInferred growthPercent evidence { quote start end } } } }]],
  [[query Entities { entities(first: 50) { totalCount edges { node { id name type } } } }]],
}

-- json_string quotes s as a JSON string: the queries hold quotes and
-- Chinese (UTF-8 passes as it is).
local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

local bodies = {}
for i, q in ipairs(queries) do
  bodies[i] = '{"query":' .. json_string(q) .. '}'
end

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

function init(args)
  -- Each thread starts at another query, so the mix is spread from the
  -- first second on.
  i = id % #bodies
  status2xx, non2xx, status5xx, gqlerrors = 0, 0, 0, 0
  wrk.method = "POST"
  wrk.path = "/graphql"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    status2xx = status2xx + 1
    if body:find('"errors"', 1, true) then
      gqlerrors = gqlerrors + 1
    end
  else
    non2xx = non2xx + 1
    if status >= 500 then
      status5xx = status5xx + 1
    end
  end
end

function done(summary, latency, requests)
  local t = { status2xx = 0, non2xx = 0, status5xx = 0, gqlerrors = 0 }
  for _, thread in ipairs(threads) do
    for k in pairs(t) do
      t[k] = t[k] + (thread:get(k) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    "soak: requests=%d status2xx=%d non2xx=%d status5xx=%d gqlerrors=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, t.status2xx, t.non2xx, t.status5xx, t.gqlerrors,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
