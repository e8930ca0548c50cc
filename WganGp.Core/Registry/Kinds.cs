using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace WganGp.Core.Registry;

/// <summary>
/// A registry of the types deriving from <typeparamref name="T"/> (architectures, data formats): kind name → type.
/// A value's JSON identity is its kind and its constructor's arguments, each read from the public property of the same
/// name and written under the parameter's name in snake_case; reading one back calls that constructor (a missing
/// argument takes its default, which is how a field added later reads in older files). Equality of registered values
/// is equality of their identities, so a value needs no hand-written equality, encoder or decoder. The core's types
/// are registered from the start; a script's when the script is loaded (<see cref="Register"/>).
/// </summary>
public static class Kinds<T> where T : class
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new JsonStringEnumConverter() } };

    private static readonly ConcurrentDictionary<string, Type> Types = new(Discover(typeof(T).Assembly));

    /// <summary>What the registry holds, in messages: the base type's [Description] ("architecture", "data format").</summary>
    private static readonly string What = typeof(T).GetCustomAttribute<DescriptionAttribute>()?.Description ?? typeof(T).Name;

    /// <summary>The kind of a type: its <see cref="KindAttribute"/>, else its type name.</summary>
    public static string KindOf(Type type) => type.GetCustomAttribute<KindAttribute>()?.Name ?? type.Name;

    /// <summary>The kinds registered now.</summary>
    public static IReadOnlyCollection<string> Known => Types.Keys.Order().ToList();

    private static IEnumerable<KeyValuePair<string, Type>> Discover(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(T)) && !t.IsAbstract && t.IsPublic)
            .Select(t => KeyValuePair.Create(KindOf(t), t));

    /// <summary>Registers a type under its kind; a kind already taken by a different type is an error (a type of the
    /// same full name from another assembly replaces it: a script loaded again).</summary>
    public static void Register(Type type)
    {
        if (!type.IsSubclassOf(typeof(T)) || type.IsAbstract) throw new ArgumentException($"{type.FullName} is not a concrete {typeof(T).Name}");
        Constructor(type);
        var kind = KindOf(type);
        Types.AddOrUpdate(kind, type, (_, existing) =>
            existing == type || existing.FullName == type.FullName && existing.Assembly != typeof(T).Assembly
                ? type
                : throw new ArgumentException($"{What} kind '{kind}' is defined twice: by {existing.FullName} and by {type.FullName}"));
    }

    /// <summary>The public constructor with the most parameters, each of which must have a public property of its name.</summary>
    private static ConstructorInfo Constructor(Type type)
    {
        var constructor = type.GetConstructors().MaxBy(c => c.GetParameters().Length)
            ?? throw new ArgumentException($"{What} {type.Name} has no public constructor");
        foreach (var p in constructor.GetParameters())
            if (Property(type, p) is null)
                throw new ArgumentException(
                    $"{What} {type.Name}: constructor parameter '{p.Name}' has no public property of the same name, so cell.json could not record it");
        return constructor;
    }

    private static PropertyInfo? Property(Type type, ParameterInfo p) =>
        type.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);

    private static string JsonName(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>{"kind": …, one field per constructor argument}.</summary>
    public static JsonObject Encode(T value)
    {
        var type = value.GetType();
        var json = new JsonObject { ["kind"] = KindOf(type) };
        foreach (var p in Constructor(type).GetParameters())
            json[JsonName(p.Name!)] = JsonSerializer.SerializeToNode(Property(type, p)!.GetValue(value), p.ParameterType, Options);
        return json;
    }

    /// <summary>The value a JSON identity describes (fields other than the constructor's are ignored); an unknown
    /// kind, a missing or malformed argument is an <see cref="InvalidDataException"/> naming it.</summary>
    public static T Decode(JsonNode json)
    {
        var kind = json["kind"]?.GetValue<string>() ?? throw new InvalidDataException($"{What}: field 'kind' is missing");
        if (!Types.TryGetValue(kind, out var type))
            throw new InvalidDataException(
                $"{What} kind '{kind}' is not built in, and no loaded script defines it (built in: {string.Join(", ", Known)}); " +
                "pass the grid script that defines it with --script FILE");
        var constructor = Constructor(type);
        var arguments = constructor.GetParameters().Select(p =>
        {
            var name = JsonName(p.Name!);
            var value = json[name];
            if (value is null)
                return p.HasDefaultValue ? p.DefaultValue : throw new InvalidDataException($"{What} '{kind}': field '{name}' is missing");
            try { return value.Deserialize(p.ParameterType, Options); }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException)
            {
                throw new InvalidDataException($"{What} '{kind}': field '{name}': {e.Message}", e);
            }
        }).ToArray();
        try { return (T)constructor.Invoke(arguments); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidDataException($"{What} '{kind}': {e.InnerException.Message}", e.InnerException);
        }
    }
}
