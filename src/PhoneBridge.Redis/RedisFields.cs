using StackExchange.Redis;

namespace PhoneBridge.Redis;

/// <summary>The fields of a registry entry hash (<see cref="RedisKeys.Call"/>) and the values of its <c>state</c>.</summary>
internal static class RedisFields
{
    public static readonly RedisValue Info = "info";
    public static readonly RedisValue Token = "token";
    public static readonly RedisValue State = "state";
    public static readonly RedisValue Expires = "expires";
    public static readonly RedisValue Registrar = "registrar";
    public static readonly RedisValue Owner = "owner";
    public static readonly RedisValue Prep = "prep";
    public static readonly RedisValue Prepared = "prepared";

    public static readonly RedisValue Waiting = "waiting";
    public static readonly RedisValue Claimed = "claimed";
    public static readonly RedisValue Expired = "expired";
}
