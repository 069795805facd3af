-- antiphon_session.lua -- Antiphon (VST3) in a headless Ardour 7.3 (ardour7-lua: luasession with
-- the "None (Dummy)" backend, rolling in real time), driven by a plan file that tests/src/ardour/
-- writes. Each planned track plays its call (a MIDI region) through its own Antiphon; a recorder
-- track beside it records Antiphon's MIDI output. Two runs, two processes (opening a second session
-- in one luasession process can hang in AudioEngine::start / Graph::reset_thread_list), which also
-- makes the second run a reload of what the first saved:
--
--   ardour7-lua antiphon_session.lua setup PLAN SESSION_DIR
--   ardour7-lua antiphon_session.lua play  PLAN SESSION_DIR OUT_DIR
--
-- PLAN: one line per item, fields separated by tabs; positions in Ardour ticks (1920 a quarter):
--   meter  AT_TICKS NUMERATOR DENOMINATOR   a meter from that bar line on (4/4 before the first)
--   track  NAME CALL.mid LENGTH_TICKS       a track whose region (from position 0) is CALL.mid
--   param  NAME LABEL VALUE                 Antiphon's parameter LABEL, in plugin units
--   point  NAME LABEL AT_TICKS VALUE        an automation point; the lane steps (Discrete) and plays
--   roll   UNTIL_TICKS                      play rolls from 0 until the transport passes this
-- OUT_DIR (play) receives params.tsv (track, label, value of every input parameter as reloaded)
-- and takes.tsv (track, recorded SMF, region position and start in ticks).
-- The session: Ardour's default for a new one, 120 bpm, 48 kHz.

-- Ardour's print() goes to a buffered std::cout, lost if the process aborts: use stdio
function print (...)
	local t = {}
	for i = 1, select ("#", ...) do t[#t + 1] = tostring ((select (i, ...))) end
	io.stdout:write (table.concat (t, " "), "\n"); io.stdout:flush ()
end
local function die (msg) print ("FAIL: " .. msg); os.exit (1) end

local RECORDER_SUFFIX = "-out"
local mode = arg[1]

local function read_plan (path)
	local plan = { meters = {}, tracks = {}, by_name = {}, roll_ticks = nil }
	for line in io.lines (path) do
		local f = {}
		for field in (line .. "\t"):gmatch ("([^\t]*)\t") do f[#f + 1] = field end
		if f[1] == "meter" then
			plan.meters[#plan.meters + 1] = { at_ticks = tonumber (f[2]), num = tonumber (f[3]), den = tonumber (f[4]) }
		elseif f[1] == "track" then
			local t = { name = f[2], call = f[3], length_ticks = tonumber (f[4]), params = {}, points = {} }
			plan.tracks[#plan.tracks + 1] = t
			plan.by_name[t.name] = t
		elseif f[1] == "param" then
			local t = plan.by_name[f[2]] or die ("param for an unplanned track: " .. line)
			t.params[#t.params + 1] = { label = f[3], value = tonumber (f[4]) }
		elseif f[1] == "point" then
			local t = plan.by_name[f[2]] or die ("point for an unplanned track: " .. line)
			t.points[#t.points + 1] = { label = f[3], at_ticks = tonumber (f[4]), value = tonumber (f[5]) }
		elseif f[1] == "roll" then
			plan.roll_ticks = tonumber (f[2])
		elseif line ~= "" then
			die ("unknown plan line: " .. line)
		end
	end
	return plan
end

-- a plain string as a Lua pattern (track names hold "-")
local function literal (s) return (s:gsub ("%p", "%%%0")) end

-- index of each of the plugin's parameters by label
local function parameter_indices (plug)
	local indices = {}
	for j = 0, plug:parameter_count () - 1 do indices[plug:parameter_label (j)] = j end
	return indices
end

if mode == "setup" then
	local plan_path, dir = arg[2], arg[3]
	if not (plan_path and dir) then die ("usage: setup PLAN SESSION_DIR") end
	local plan = read_plan (plan_path)
	local name = dir:match ("([^/]+)/*$")

	-- 1. a new session: per planned track, track NAME (+ Antiphon) -> track NAME-out
	if not create_session (dir, name, 48000) then die ("cannot create session " .. dir) end
	-- (in a function: no Lua reference to a track or plugin may outlive the session, or the
	-- garbage collector destroys it after the engine is gone and luasession segfaults at exit)
	local function build ()
		if #plan.meters > 0 then
			local tm = Temporal.TempoMap.fetch_writable ()
			for _, m in ipairs (plan.meters) do
				tm:set_meter (Temporal.Meter (m.num, m.den), Temporal.timepos_t.from_ticks (m.at_ticks))
			end
			Temporal.TempoMap.update (tm)
		end

		local function new_midi_track (tname)
			local tl = Session:new_midi_track (
				ARDOUR.ChanCount (ARDOUR.DataType ("midi"), 1), ARDOUR.ChanCount (ARDOUR.DataType ("midi"), 1),
				false, ARDOUR.PluginInfo (), nil, nil, 1, tname,
				ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, false, false)
			for t in tl:iter () do return t end
			die ("cannot create track " .. tname)
		end

		for _, planned in ipairs (plan.tracks) do
			local call = new_midi_track (planned.name)
			local rec = new_midi_track (planned.name .. RECORDER_SUFFIX)
			local p = ARDOUR.LuaAPI.new_plugin (Session, "Antiphon", ARDOUR.PluginType.VST3, "")
			if p:isnil () then die ("Antiphon (VST3) is not in Ardour's plugin cache") end
			if call:add_processor_by_index (p, 0, nil, true) ~= 0 then die ("cannot add Antiphon to " .. planned.name) end
			local plug = p:to_insert ():plugin (0)
			local index = parameter_indices (plug)
			for _, param in ipairs (planned.params) do
				local j = index[param.label] or die ("Antiphon has no parameter " .. param.label)
				if not ARDOUR.LuaAPI.set_processor_param (p, j, param.value) then die ("cannot set " .. param.label) end
				print (planned.name, "set", param.label, "=", (ARDOUR.LuaAPI.get_processor_param (p, j, true)))
			end
			local lanes = {}
			for _, point in ipairs (planned.points) do
				local j = index[point.label] or die ("Antiphon has no parameter " .. point.label)
				-- plugin_automation counts control ports; Antiphon's inputs come first, so j is it
				local al, cl = ARDOUR.LuaAPI.plugin_automation (p, j)
				if al:isnil () then die ("no automation lane for " .. point.label) end
				if not lanes[j] then
					-- a slot or a switch steps; Ardour's default would ramp through the slots between
					if not cl:set_interpolation (Evoral.InterpolationStyle.Discrete) then die ("no discrete lane for " .. point.label) end
					lanes[j] = true
				end
				cl:add (Temporal.timepos_t.from_ticks (point.at_ticks), point.value, false, false)
				local ac = p:to_automatable ():automation_control (Evoral.Parameter (ARDOUR.AutomationType.PluginAutomation, 0, j), false)
				ac:set_automation_state (ARDOUR.AutoState.Play)
				print (planned.name, "automated", point.label, "=", point.value, "from tick", point.at_ticks)
			end

			-- the call track's MIDI output (Antiphon also gets audio outputs) -> the recorder's input
			call:output ():disconnect_all (nil)
			rec:input ():disconnect_all (nil)
			local out = call:output ():midi (0)
			if out:isnil () then die ("track " .. planned.name .. " has no MIDI output") end
			if rec:input ():connect (rec:input ():midi (0), out:name (), nil) ~= 0 then die ("cannot connect " .. planned.name .. " to its recorder") end
		end
		-- Ardour hands parameter changes to a VST3 in its next process() call; the plugin's
		-- state (the chunk saved with the session, restored on load) has them only after that
		sleep (1)
		-- no playback latency: with the master bus connected to the dummy backend's playback ports,
		-- Ardour plays tracks ahead by that latency (256..272 samples) and the recording comes out
		-- that much early
		Session:master_out ():output ():disconnect_all (nil)
	end
	build ()
	collectgarbage (); collectgarbage ()
	Session:save_state ("", false, false, false, false, false)
	close_session ()

	-- 2. each call file into the session as a region at position 0 of its track (luasession has no
	-- MIDI import: edit the session XML)
	local xml_path = dir .. "/" .. name .. ".ardour"
	local f = assert (io.open (xml_path, "r")); local xml = f:read ("a"); f:close ()
	local ids = tonumber (xml:match ('id%-counter="(%d+)"'))
	local n
	xml = xml:gsub ("<Sources/>", "<Sources>\n  </Sources>", 1)
	xml = xml:gsub ("<Regions/>", "<Regions>\n  </Regions>", 1)
	local function region (id, source_id, rname, whole, length_ticks)
		return string.format ('<Region name="%s" muted="0" opaque="1" locked="0" video-locked="0" automatic="0" whole-file="%d" import="0" external="0" sync-marked="0" left-of-split="0" right-of-split="0" hidden="0" position-locked="0" valid-transients="0" start="b0" length="b%d@b0" sync-position="b0" ancestral-start="b0" ancestral-length="b0@b0" stretch="1" shift="1" layering-index="0" tags="" contents="0" id="%d" type="midi" first-edit="nothing" source-0="%d" master-source-0="%d"/>',
			rname, whole and 1 or 0, length_ticks, id, source_id, source_id)
	end
	for _, planned in ipairs (plan.tracks) do
		local midifile = planned.name .. "-call.mid"
		do
			local src = assert (io.open (planned.call, "rb")); local data = src:read ("a"); src:close ()
			local dst = assert (io.open (dir .. "/interchange/" .. name .. "/midifiles/" .. midifile, "wb"))
			dst:write (data); dst:close ()
		end
		local sid, wid, rid = ids + 1, ids + 2, ids + 3
		ids = ids + 3
		xml, n = xml:gsub ("<Sources>", '<Sources>\n    <Source name="' .. midifile .. '" type="midi" flags="Writable,CanRename" id="' .. sid .. '" natural-position="a0" origin=""/>', 1)
		if n ~= 1 then die ("no <Sources> in the session file") end
		xml, n = xml:gsub ("<Regions>", "<Regions>\n    " .. region (wid, sid, planned.name, true, planned.length_ticks), 1)
		if n ~= 1 then die ("no <Regions> in the session file") end
		xml, n = xml:gsub ('(<Playlist [^>]-name="' .. literal (planned.name) .. '" type="midi"[^>]-)/>',
			"%1>\n      " .. region (rid, sid, planned.name .. ".1", false, planned.length_ticks) .. "\n    </Playlist>", 1)
		if n ~= 1 then die ("no empty playlist " .. planned.name .. " in the session file") end
	end
	xml = xml:gsub ('id%-counter="%d+"', 'id-counter="' .. (ids + 10) .. '"', 1)
	f = assert (io.open (xml_path, "w")); f:write (xml); f:close ()
	print ("setup done:", xml_path)

elseif mode == "play" then
	local plan_path, dir, out_dir = arg[2], arg[3], arg[4]
	if not (plan_path and dir and out_dir) then die ("usage: play PLAN SESSION_DIR OUT_DIR") end
	local plan = read_plan (plan_path)
	if not plan.roll_ticks then die ("the plan has no roll line") end
	local name = dir:match ("([^/]+)/*$")

	-- 3. reload, read every Antiphon's parameters back, arm the recorders, roll, stop
	if not load_session (dir, name) then die ("cannot load session " .. dir) end
	local function run () -- (a function: see build () above)
		if Session:unknown_processors ():size () > 0 then die ("Antiphon did not load with the session") end
		local params = assert (io.open (out_dir .. "/params.tsv", "w"))
		for _, planned in ipairs (plan.tracks) do
			local call = Session:route_by_name (planned.name):to_track ()
			local regions = 0
			for _ in call:playlist ():region_list ():iter () do regions = regions + 1 end
			if regions ~= 1 then die (planned.name .. " holds " .. regions .. " regions, not its call") end
			local proc = call:nth_plugin (0)
			if proc:isnil () then die (planned.name .. " lost its Antiphon") end
			local plug = proc:to_insert ():plugin (0)
			for j = 0, plug:parameter_count () - 1 do
				if plug:parameter_is_input (j) then
					params:write (string.format ("%s\t%s\t%.6f\n", planned.name, plug:parameter_label (j),
						ARDOUR.LuaAPI.get_processor_param (proc, j, true)))
				end
			end
			Session:route_by_name (planned.name .. RECORDER_SUFFIX):to_track ():rec_enable_control ():set_value (1, PBD.GroupControlDisposition.NoGroup)
		end
		params:close ()

		local until_sample = Temporal.timepos_t.from_ticks (plan.roll_ticks):samples ()
		Session:request_locate (0, false, ARDOUR.LocateTransportDisposition.MustStop, ARDOUR.TransportRequestSource.TRS_UI)
		sleep (0.5)
		Session:maybe_enable_record (false)
		Session:request_roll (ARDOUR.TransportRequestSource.TRS_UI)
		-- real time: a second of transport takes a second; a stalled engine is caught by the
		-- test's timeout
		local waited = 0
		while Session:transport_sample () < until_sample do
			sleep (0.1)
			waited = waited + 0.1
			if waited > 3 and not Session:actively_recording () then die ("the session is not recording") end
		end
		print ("rolled to sample", Session:transport_sample (), "of", until_sample)
		Session:request_stop (false, true, ARDOUR.TransportRequestSource.TRS_UI)
		sleep (1.5) -- the butler writes the capture and builds the region

		-- 4. the recorded files, and where their regions sit
		local takes = assert (io.open (out_dir .. "/takes.tsv", "w"))
		for _, planned in ipairs (plan.tracks) do
			local rec = Session:route_by_name (planned.name .. RECORDER_SUFFIX):to_track ()
			local count = 0
			for r in rec:playlist ():region_list ():iter () do
				local source = r:source (0):to_filesource ()
				if source:isnil () then die (planned.name .. "'s recording has no file") end
				takes:write (string.format ("%s\t%s\t%d\t%d\n", planned.name, source:path (), r:position ():ticks (), r:start ():ticks ()))
				count = count + 1
			end
			if count ~= 1 then die (planned.name .. RECORDER_SUFFIX .. " recorded " .. count .. " regions") end
		end
		takes:close ()
	end
	run ()
	collectgarbage (); collectgarbage ()
	Session:save_state ("", false, false, false, false, false)
	close_session ()
	print ("play done")
else
	die ("usage: ardour7-lua antiphon_session.lua setup|play ...")
end
