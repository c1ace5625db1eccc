using StackExchange.Redis;

namespace PhoneBridge.Redis.Registry;

/// <summary>
/// The registry's atomic steps, each one Lua script run by Redis without interleaving, so one claim wins however many
/// race. Token hashes are compared here with plain equality only after <see cref="RedisCallRegistry"/> has matched them
/// in constant time: the script's compare only makes sure the entry is still the registration that was checked, and a
/// SHA-256 of a 256-bit random token leaks nothing usable about the token through timing.
/// </summary>
internal static class RegistryScripts
{
    /// <summary>KEYS: call. ARGV: info, token hash, expires (ms), registrar, prep, ttl (ms). 1 registered, 0 already there.</summary>
    public static readonly LuaScript Register = LuaScript.Prepare("""
        local state = redis.call('HGET', @call, 'state')
        if state and state ~= 'expired' then return 0 end
        redis.call('DEL', @call)
        redis.call('HSET', @call, 'info', @info, 'token', @token, 'state', 'waiting', 'expires', @expires, 'registrar', @registrar, 'prep', @prep)
        redis.call('PEXPIRE', @call, @ttl)
        return 1
        """);

    /// <summary>
    /// KEYS: call, owned set. ARGV: token hash, now (ms), owner, prefix, call id. Returns {result, info, prep, prepared};
    /// publishes <c>claimed|{callId}</c> to the registrar when it is another instance.
    /// </summary>
    public static readonly LuaScript Claim = LuaScript.Prepare("""
        local v = redis.call('HMGET', @call, 'token', 'state', 'expires', 'registrar', 'info', 'prep', 'prepared')
        if not v[1] then return {'unknown'} end
        if v[1] ~= @token then return {'badtoken'} end
        if v[2] == 'claimed' then return {'claimed'} end
        if v[2] == 'expired' then return {'expired'} end
        if tonumber(@now) >= tonumber(v[3]) then
          redis.call('HSET', @call, 'state', 'expired')
          return {'expired'}
        end
        redis.call('HSET', @call, 'state', 'claimed', 'owner', @owner)
        redis.call('PERSIST', @call)
        redis.call('SADD', @owned, @callId)
        if v[4] and v[4] ~= @owner then
          redis.call('PUBLISH', @prefix .. 'instance:' .. v[4] .. ':registry', 'claimed|' .. @callId)
        end
        return {'ok', v[5], v[6] or 'none', v[7] or ''}
        """);

    /// <summary>
    /// KEYS: call. ARGV: me, prep (done/failed), prepared, prefix, call id. 0 gone, 1 stored (waiting), 2 stored and the
    /// owner elsewhere told (<c>prepared|{callId}</c>), 3 stored and claimed here.
    /// </summary>
    public static readonly LuaScript Prepared = LuaScript.Prepare("""
        local v = redis.call('HMGET', @call, 'state', 'owner')
        if not v[1] then return 0 end
        redis.call('HSET', @call, 'prep', @prep, 'prepared', @prepared)
        if v[1] ~= 'claimed' then return 1 end
        if v[2] == @me then return 3 end
        redis.call('PUBLISH', @prefix .. 'instance:' .. v[2] .. ':registry', 'prepared|' .. @callId)
        return 2
        """);

    /// <summary>KEYS: call. ARGV: me. 1 expired now, 0 gone, 2 claimed (by anyone), 3 not registered here.</summary>
    public static readonly LuaScript Expire = LuaScript.Prepare("""
        local v = redis.call('HMGET', @call, 'state', 'registrar')
        if not v[1] then return 0 end
        if v[1] == 'claimed' then return 2 end
        if v[2] ~= @me then return 3 end
        redis.call('HSET', @call, 'state', 'expired')
        return 1
        """);

    /// <summary>
    /// KEYS: call, owned set. ARGV: me, prefix, call id. Removes the entry unless another instance owns it. Returns
    /// {result, prep, prepared}: 'gone', 'foreign' (claimed elsewhere, left), 'ok'. A waiting entry registered elsewhere
    /// tells its registrar (<c>released|{callId}</c>).
    /// </summary>
    public static readonly LuaScript Release = LuaScript.Prepare("""
        local v = redis.call('HMGET', @call, 'state', 'owner', 'registrar', 'prep', 'prepared')
        if not v[1] then
          redis.call('SREM', @owned, @callId)
          return {'gone'}
        end
        if v[1] == 'claimed' and v[2] ~= @me then return {'foreign'} end
        redis.call('DEL', @call)
        redis.call('SREM', @owned, @callId)
        if v[1] == 'waiting' and v[3] and v[3] ~= @me then
          redis.call('PUBLISH', @prefix .. 'instance:' .. v[3] .. ':registry', 'released|' .. @callId)
        end
        return {'ok', v[4] or 'none', v[5] or ''}
        """);

    /// <summary>KEYS: call, owned set. ARGV: info, me, call id. Writes back an owned entry lost with Redis (restart). 1 written, 0 present.</summary>
    public static readonly LuaScript Reassert = LuaScript.Prepare("""
        if redis.call('EXISTS', @call) == 1 then return 0 end
        redis.call('HSET', @call, 'info', @info, 'state', 'claimed', 'owner', @me, 'registrar', @me, 'prep', 'none')
        redis.call('SADD', @owned, @callId)
        return 1
        """);

    /// <summary>KEYS: call. ARGV: lost instance. Removes an entry the lost instance owns: {info, prep, prepared}, or empty.</summary>
    public static readonly LuaScript Sweep = LuaScript.Prepare("""
        local v = redis.call('HMGET', @call, 'owner', 'info', 'prep', 'prepared')
        if not v[1] or v[1] ~= @lost then return {} end
        redis.call('DEL', @call)
        return {v[2] or '', v[3] or 'none', v[4] or ''}
        """);
}
