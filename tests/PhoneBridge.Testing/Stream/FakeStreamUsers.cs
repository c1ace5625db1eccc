using System.Text.Json.Nodes;

namespace PhoneBridge.Testing.Stream;

/// <summary>How the fake coordinator stores users: built-in fields at the top, everything else under <c>custom</c>.</summary>
internal static class FakeStreamUsers
{
    // UserRequest's own fields; any other name in a partial update's set is a custom field.
    private static readonly HashSet<string> BuiltIn = new(StringComparer.Ordinal)
    {
        "id", "name", "role", "image", "teams", "teams_role", "language", "invisible", "privacy_settings", "blocked_user_ids",
    };

    /// <summary>A user as an upsert leaves it: only what the request had (a full replacement).</summary>
    public static JsonObject FromUpsert(string id, JsonNode? request)
    {
        var user = new JsonObject { ["id"] = id, ["role"] = "user", ["custom"] = new JsonObject() };
        if (request is JsonObject fields)
        {
            foreach (var (name, value) in fields)
            {
                if (name != "id")
                {
                    user[name] = value?.DeepClone();
                }
            }
        }

        user["custom"] ??= new JsonObject();
        return user;
    }

    /// <summary>
    /// Applies a partial update: each <paramref name="set"/> name replaces that field (a dotted name, one nested
    /// field), each <paramref name="unset"/> name removes it; fields not named are kept.
    /// </summary>
    public static void Apply(JsonObject user, JsonObject? set, JsonArray? unset)
    {
        foreach (var (name, value) in set ?? [])
        {
            var (parent, key) = Locate(user, name, create: true);
            parent![key] = value?.DeepClone();
        }

        foreach (var name in unset ?? [])
        {
            var (parent, key) = Locate(user, name!.GetValue<string>(), create: false);
            parent?.Remove(key);
        }
    }

    private static (JsonObject? Parent, string Key) Locate(JsonObject user, string name, bool create)
    {
        var path = name.Split('.');
        JsonObject? parent = BuiltIn.Contains(path[0]) ? user : (JsonObject)(user["custom"] ??= new JsonObject());
        for (var i = 0; i < path.Length - 1 && parent is not null; i++)
        {
            if (parent[path[i]] is JsonObject next)
            {
                parent = next;
            }
            else if (create)
            {
                var made = new JsonObject();
                parent[path[i]] = made;
                parent = made;
            }
            else
            {
                parent = null;
            }
        }

        return (parent, path[^1]);
    }
}
