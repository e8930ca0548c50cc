namespace WganGp.Core.Registry;

/// <summary>The name a registered type (an architecture, a data format) is recorded under in cell.json ("figure2",
/// "idx"); one type per name within its registry.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KindAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
