-- Reserve + capture pairs: each thread reserves 2 credits, remembers the charge id from the
-- answer, and its next request captures 1 of them (the rest returns to the grant). Half the
-- requests are reserves and half captures, so pairs per second = requests per second / 2.
-- Environment: CREDITD_API_KEY, BENCH_ACCOUNTS.
local key = os.getenv("CREDITD_API_KEY")
local accounts = tonumber(os.getenv("BENCH_ACCOUNTS") or "10000")
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}
local held = {}

request = function()
  local id = table.remove(held)
  if id then
    return wrk.format("POST", "/api/v1/charges/" .. id .. "/capture", headers, '{"amount":1}')
  end
  local body = string.format('{"account_id":%d,"tool":"llm-chat","units":2}',
                             math.random(1, accounts))
  return wrk.format("POST", "/api/v1/charges", headers, body)
end

local errors = 0
response = function(status, headers, body)
  if status == 201 then
    local id = body:match('"charge_id":(%d+)')
    if id then table.insert(held, id) end
  elseif status ~= 200 then
    errors = errors + 1
    if errors <= 3 then io.stderr:write("answered " .. status .. ": " .. body .. "\n") end
  end
end
