-- Drives Ardour's headless Lua session tool (ardour7-lua) for plugin/tests/host_ardour.py.
-- Arguments come from the environment, one action a run:
--   PF_ACTION=record   PF_DIR PF_NAME PF_CHANNELS PF_SECONDS [PF_STRICT=1]
--       a new 48 kHz session with one track that records PF_SECONDS of the Dummy backend's
--       pink-noise inputs (PF_CHANNELS 1 or 2), so the session plays real recorded audio.
--   PF_ACTION=insert   PF_DIR PF_NAME PF_TARGET=master|track [PF_PARAMS="i=v,..."]
--       inserts Preflight (VST3) first on the master bus or the track, sets parameters
--       through Ardour's own parameter interface, saves.
--   PF_ACTION=read     PF_DIR PF_NAME PF_TARGET
--       prints every Preflight parameter as "PARAM <index> <name> <value>".
--   PF_ACTION=cost     PF_DIR PF_NAME PF_SECONDS PF_PLUGINS="vst3:Preflight,lv2:URI,..." [PF_BLOCK]
--       a new session with a stereo track monitoring the Dummy backend's pink noise and the
--       listed plug-ins inserted in that order; after PF_SECONDS prints Ardour's own per-plug-in
--       timing as "COST <spec> <min> <max> <avg> <dev>" (microseconds a cycle).
-- Every line the test reads starts with an upper-case tag; the rest is Ardour's chatter. A run
-- whose work is complete prints DONE (Ardour sometimes crashes in its own clean-up after that).

local action = os.getenv("PF_ACTION")
local dir = os.getenv("PF_DIR")
local name = os.getenv("PF_NAME")

local function fail(msg)
	print("FAIL " .. msg)
	os.exit(1)
end

local function first_track(s)
	for r in s:get_routes():iter() do
		if not r:to_track():isnil() then
			return r
		end
	end
	fail("no track in the session")
end

local function target_route(s)
	if os.getenv("PF_TARGET") == "master" then
		return s:master_out()
	end
	return first_track(s)
end

local function find_preflight(route)
	local i = 0
	while true do
		local p = route:nth_plugin(i)
		if p:isnil() then
			fail("no Preflight on " .. route:name())
		end
		if p:display_name():find("Preflight") then
			return p
		end
		i = i + 1
	end
end

local function print_params(proc)
	local plugin = proc:to_insert():plugin(0)
	local n = 0
	for i = 0, plugin:parameter_count() - 1 do
		if plugin:parameter_is_input(i) then
			local value = ARDOUR.LuaAPI.get_processor_param(proc, n)
			print(string.format("PARAM %d %s %s", n, plugin:parameter_label(i), tostring(value)))
			n = n + 1
		end
	end
	print("PARAMS " .. n)
end

local function new_plugin(spec)
	local kind, id = spec:match("^(%w+):(.+)$")
	local types = { vst3 = ARDOUR.PluginType.VST3, lv2 = ARDOUR.PluginType.LV2, lua = ARDOUR.PluginType.Lua }
	local p = ARDOUR.LuaAPI.new_plugin(Session, id, types[kind], "")
	if p:isnil() then
		fail("Ardour does not know the plug-in " .. spec)
	end
	return p
end

local backend = AudioEngine:set_backend("None (Dummy)", "", "")
backend:set_device_name("Pink Noise")
backend:set_buffer_size(tonumber(os.getenv("PF_BLOCK") or "1024"))

if action == "cost" then
	-- The track monitors its input, so every plug-in processes the live pink noise of the Dummy
	-- backend on every cycle, with no transport running.
	Session = create_session(dir, name, 48000)
	if not Session then fail("cannot create the session") end
	local tracks = Session:new_audio_track(2, 2, nil, 1, "live",
		ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true)
	local route = tracks:front()
	route:to_track():monitoring_control():set_value(ARDOUR.MonitorChoice.MonitorInput,
		PBD.GroupControlDisposition.NoGroup)
	local procs = {}
	for spec in os.getenv("PF_PLUGINS"):gmatch("[^,]+") do
		local p = new_plugin(spec)
		if route:add_processor_by_index(p, -1, nil, true) ~= 0 then
			fail("Ardour refused " .. spec)
		end
		procs[#procs + 1] = { spec, p:to_insert() }
	end
	ARDOUR.LuaAPI.usleep(2000000)
	ARDOUR.LuaAPI.usleep(math.floor(tonumber(os.getenv("PF_SECONDS")) * 1e6))
	for _, e in ipairs(procs) do
		local ok, st = e[2]:get_stats(0, 0, 0, 0)
		if not ok then fail("no timing for " .. e[1]) end
		print(string.format("COST %s %.2f %.2f %.2f %.2f", e[1], st[1], st[2], st[3], st[4]))
	end
	print("DONE")
	close_session()
	quit()
	return
end

if action == "record" then
	Session = create_session(dir, name, 48000)
	if not Session then fail("cannot create the session") end
	local channels = tonumber(os.getenv("PF_CHANNELS"))
	local tracks = Session:new_audio_track(channels, 2, nil, 1, "take",
		ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true)
	local track = tracks:front()
	track:set_strict_io(os.getenv("PF_STRICT") == "1")
	track:rec_enable_control():set_value(1, PBD.GroupControlDisposition.NoGroup)
	Session:maybe_enable_record(false)
	Session:request_roll(ARDOUR.TransportRequestSource.TRS_UI)
	ARDOUR.LuaAPI.usleep(math.floor(tonumber(os.getenv("PF_SECONDS")) * 1e6))
	Session:request_stop(false, false, ARDOUR.TransportRequestSource.TRS_UI)
	ARDOUR.LuaAPI.usleep(500000)
	track:rec_enable_control():set_value(0, PBD.GroupControlDisposition.NoGroup)
	print("REGIONS " .. track:playlist():region_list():size())
	print("STRICT " .. tostring(track:strict_io()))
else
	Session = load_session(dir, name)
	if not Session then fail("cannot load the session") end
	if action == "insert" then
		local route = target_route(Session)
		local proc = new_plugin("vst3:Preflight")
		if route:add_processor_by_index(proc, 0, nil, true) ~= 0 then
			fail("Ardour refused to insert Preflight on " .. route:name())
		end
		for k, v in (os.getenv("PF_PARAMS") or ""):gmatch("(%d+)=([%d.]+)") do
			if not ARDOUR.LuaAPI.set_processor_param(proc, tonumber(k), tonumber(v)) then
				fail("cannot set parameter " .. k)
			end
		end
		-- While the engine runs, a VST3 takes parameter changes in its process call, so let a
		-- few cycles pass before the session (and the plug-in's state) is saved.
		ARDOUR.LuaAPI.usleep(500000)
		local pi = proc:to_insert()
		print(string.format("IO %s in %d out %d", route:name(),
			pi:natural_input_streams():n_audio(), pi:natural_output_streams():n_audio()))
		print(string.format("ROUTE %s outputs %d", route:name(), route:n_outputs():n_audio()))
		print_params(proc)
	elseif action == "read" then
		-- Reads only: the session on disk stays as the previous run saved it.
		print_params(find_preflight(target_route(Session)))
		print("DONE")
		close_session()
		quit()
		return
	else
		fail("unknown PF_ACTION " .. tostring(action))
	end
end

Session:save_state("", false, false, false, false, false)
print("SAVED")
print("DONE")
close_session()
quit()
